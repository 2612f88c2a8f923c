//! Timers that count down on the dialogue's clock.

use std::time::Duration;

use crate::text::Lang;

/// One timer.
#[derive(Debug, Clone, PartialEq)]
pub struct Timer {
    /// Number shown to people, unique while the timer lives.
    pub number: u32,
    /// Its name, if the person gave one ("pasta").
    pub name: Option<String>,
    /// The user who set it.
    pub user: String,
    /// The language it was set in (for the announcement).
    pub lang: Lang,
    /// The length it was set for.
    pub length: Duration,
    /// When it ends (monotonic clock), or the time left while paused.
    pub run: Run,
}

/// Whether a timer is running or paused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Run {
    /// Running; ends at this monotonic time.
    Until(Duration),
    /// Paused with this much left.
    Paused(Duration),
}

impl Timer {
    /// Time left at monotonic time `now`.
    pub fn left(&self, now: Duration) -> Duration {
        match self.run {
            Run::Until(end) => end.saturating_sub(now),
            Run::Paused(left) => left,
        }
    }
}

/// All timers of the hub.
#[derive(Debug, Default)]
pub struct Timers {
    timers: Vec<Timer>,
    next_number: u32,
}

impl Timers {
    /// Starts a timer and returns it.
    pub fn start(&mut self, user: &str, lang: Lang, name: Option<String>, length: Duration, now: Duration) -> &Timer {
        self.next_number += 1;
        self.timers.push(Timer {
            number: self.next_number,
            name,
            user: user.to_string(),
            lang,
            length,
            run: Run::Until(now + length),
        });
        self.timers.last().expect("just pushed")
    }

    /// The timers of `user` a request can mean: by name when one is given
    /// (matching its canonical form), otherwise all of them.
    pub fn matching(&self, user: &str, name: Option<&str>) -> Vec<u32> {
        let key = name.map(crate::home::canonical);
        self.timers
            .iter()
            .filter(|t| t.user == user)
            .filter(|t| match (&key, &t.name) {
                (None, _) => true,
                (Some(k), Some(n)) => crate::home::canonical(n) == *k,
                (Some(_), None) => false,
            })
            .map(|t| t.number)
            .collect()
    }

    /// The timer with `number`.
    pub fn get(&self, number: u32) -> Option<&Timer> {
        self.timers.iter().find(|t| t.number == number)
    }

    /// Removes a timer, returning it.
    pub fn cancel(&mut self, number: u32) -> Option<Timer> {
        let at = self.timers.iter().position(|t| t.number == number)?;
        Some(self.timers.remove(at))
    }

    /// Pauses a running timer; false if it was not running.
    pub fn pause(&mut self, number: u32, now: Duration) -> bool {
        match self.timers.iter_mut().find(|t| t.number == number) {
            Some(t) if matches!(t.run, Run::Until(_)) => {
                t.run = Run::Paused(t.left(now));
                true
            }
            _ => false,
        }
    }

    /// Resumes a paused timer; false if it was not paused.
    pub fn resume(&mut self, number: u32, now: Duration) -> bool {
        match self.timers.iter_mut().find(|t| t.number == number) {
            Some(t) if matches!(t.run, Run::Paused(_)) => {
                t.run = Run::Until(now + t.left(now));
                true
            }
            _ => false,
        }
    }

    /// Adds (or with `subtract`, takes away) time. Returns the time left.
    pub fn adjust(&mut self, number: u32, by: Duration, subtract: bool, now: Duration) -> Option<Duration> {
        let t = self.timers.iter_mut().find(|t| t.number == number)?;
        let left = t.left(now);
        let left = if subtract { left.saturating_sub(by) } else { left + by };
        t.run = match t.run {
            Run::Until(_) => Run::Until(now + left),
            Run::Paused(_) => Run::Paused(left),
        };
        Some(left)
    }

    /// Removes and returns the timers that have ended by `now`.
    pub fn take_finished(&mut self, now: Duration) -> Vec<Timer> {
        let (done, running): (Vec<Timer>, Vec<Timer>) =
            self.timers.drain(..).partition(|t| matches!(t.run, Run::Until(end) if end <= now));
        self.timers = running;
        done
    }

    /// When the next running timer ends.
    pub fn next_end(&self) -> Option<Duration> {
        self.timers
            .iter()
            .filter_map(|t| match t.run {
                Run::Until(end) => Some(end),
                Run::Paused(_) => None,
            })
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pause_resume_and_finish() {
        let mut timers = Timers::default();
        let s = Duration::from_secs;
        let n = timers.start("ana", Lang::En, Some("pasta".into()), s(60), s(0)).number;
        assert!(timers.pause(n, s(20)));
        assert!(timers.take_finished(s(100)).is_empty());
        assert!(timers.resume(n, s(100)));
        assert_eq!(timers.get(n).unwrap().left(s(100)), s(40));
        assert_eq!(timers.adjust(n, s(10), true, s(100)), Some(s(30)));
        assert!(timers.take_finished(s(129)).is_empty());
        assert_eq!(timers.take_finished(s(130)).len(), 1);
        assert_eq!(timers.matching("ana", None), Vec::<u32>::new());
    }
}
