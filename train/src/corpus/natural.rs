//! The hand-written natural test sets: `INTENT<TAB>TEXT` with `[value](slot)` marks.

use anyhow::{Context, bail};

use crate::data::{Example, Span};

/// Parses a natural-set file; `name` only names it in errors.
pub fn parse(text: &str, name: &str, lang: &str) -> anyhow::Result<Vec<Example>> {
    let mut examples = Vec::new();
    for (idx, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let example = parse_line(line).with_context(|| format!("{name}:{}", idx + 1))?;
        examples.push(Example { lang: Some(lang.to_string()), ..example });
    }
    Ok(examples)
}

/// Parses one `INTENT<TAB>TEXT` line.
pub fn parse_line(line: &str) -> anyhow::Result<Example> {
    let Some((intent, marked)) = line.split_once('\t') else {
        bail!("expected INTENT<TAB>TEXT");
    };
    let mut text = String::new();
    let mut n_chars = 0;
    let mut slots = Vec::new();
    let mut rest = marked.trim();
    while let Some(open) = rest.find('[') {
        let before = &rest[..open];
        text.push_str(before);
        n_chars += before.chars().count();
        let after = &rest[open + 1..];
        let Some(close) = after.find("](") else { bail!("`[` without `](slot)`") };
        let value = &after[..close];
        let after_value = &after[close + 2..];
        let Some(end_label) = after_value.find(')') else { bail!("`](` without `)`") };
        let label = &after_value[..end_label];
        if value.is_empty() || label.is_empty() || value.contains('[') {
            bail!("empty or nested slot mark near {:?}", &rest[open..]);
        }
        let len = value.chars().count();
        slots.push(Span { start: n_chars, end: n_chars + len, label: label.to_string() });
        text.push_str(value);
        n_chars += len;
        rest = &after_value[end_label + 1..];
    }
    if rest.contains(']') {
        bail!("`]` without `[`");
    }
    text.push_str(rest);
    Ok(Example { text, intent: intent.trim().to_string(), slots, lang: None, template: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_become_spans() {
        let ex = parse_line("brightness_down\t[卧室](area)的[灯](device_class)太亮了").unwrap();
        assert_eq!(ex.text, "卧室的灯太亮了");
        assert_eq!(ex.span_text(&ex.slots[0]), "卧室");
        assert_eq!(ex.span_text(&ex.slots[1]), "灯");
        let ex = parse_line("turn_off\tkill the [hall](area) [lights](device_class) thanks").unwrap();
        assert_eq!(ex.text, "kill the hall lights thanks");
        assert_eq!((ex.slots[1].start, ex.slots[1].end), (14, 20));
    }

    #[test]
    fn broken_lines_are_errors() {
        assert!(parse_line("no tab here").is_err());
        assert!(parse_line("x\t[open(area)").is_err());
        assert!(parse("x\tfine\ny\tbad]\n", "n.txt", "en").unwrap_err().to_string().contains("n.txt:2"));
    }
}
