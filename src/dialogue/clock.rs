//! Time for the dialogue: a monotonic clock for timers and a wall clock for
//! "what time is it", behind a trait so tests can move time by hand.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A source of time.
pub trait Clock: Send {
    /// Time since an arbitrary fixed start; never goes backwards.
    fn monotonic(&self) -> Duration;
    /// Seconds since 1970-01-01 00:00 in local time (UTC plus the configured offset).
    fn local_seconds(&self) -> i64;
}

/// The system clock, with a fixed offset from UTC for local time.
#[derive(Debug)]
pub struct SystemClock {
    start: Instant,
    utc_offset_minutes: i32,
}

impl SystemClock {
    /// A clock whose local time is UTC plus `utc_offset_minutes`.
    pub fn new(utc_offset_minutes: i32) -> Self {
        SystemClock { start: Instant::now(), utc_offset_minutes }
    }
}

impl Clock for SystemClock {
    fn monotonic(&self) -> Duration {
        self.start.elapsed()
    }

    fn local_seconds(&self) -> i64 {
        let utc = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        utc + i64::from(self.utc_offset_minutes) * 60
    }
}

/// A clock that only moves when told to (tests and scripted transcripts).
/// Clones share one time, so a test can keep a handle to the clock it gave away.
#[derive(Debug, Clone)]
pub struct ManualClock {
    elapsed_ms: Arc<AtomicU64>,
    local_start: i64,
}

impl ManualClock {
    /// A clock at local time `local_start` (seconds since 1970).
    pub fn new(local_start: i64) -> Self {
        ManualClock { elapsed_ms: Arc::new(AtomicU64::new(0)), local_start }
    }

    /// Moves time forward (millisecond resolution).
    pub fn advance(&self, by: Duration) {
        self.elapsed_ms.fetch_add(by.as_millis() as u64, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn monotonic(&self) -> Duration {
        Duration::from_millis(self.elapsed_ms.load(Ordering::SeqCst))
    }

    fn local_seconds(&self) -> i64 {
        self.local_start + self.monotonic().as_secs() as i64
    }
}

/// A calendar date and time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CivilTime {
    /// Year.
    pub year: i64,
    /// Month, 1-12.
    pub month: u32,
    /// Day of the month, 1-31.
    pub day: u32,
    /// Day of the week, 0 = Monday.
    pub weekday: u32,
    /// Hour, 0-23.
    pub hour: u32,
    /// Minute, 0-59.
    pub minute: u32,
}

/// Splits seconds since 1970 into date and time (proleptic Gregorian calendar).
pub fn civil(seconds: i64) -> CivilTime {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    // Days to civil date, after H. Hinnant's algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    CivilTime {
        year,
        month,
        day,
        weekday: (days + 3).rem_euclid(7) as u32,
        hour: (secs / 3600) as u32,
        minute: ((secs % 3600) / 60) as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil(0), CivilTime { year: 1970, month: 1, day: 1, weekday: 3, hour: 0, minute: 0 });
        // 2026-11-28 15:04 UTC is a Saturday.
        let t = civil(1_795_878_240);
        assert_eq!((t.year, t.month, t.day, t.weekday, t.hour, t.minute), (2026, 11, 28, 5, 15, 4));
        assert_eq!(civil(951_782_400).day, 29); // 2000-02-29
    }
}
