//! Parsing the template files (syntax in `train/corpus/README.md`).

use std::fmt;

/// One element of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// Literal text.
    Text(String),
    /// `{slot}` or `{slot=pool}`: a labelled value.
    Slot {
        /// The slot label.
        label: String,
        /// The pool the value comes from.
        pool: String,
    },
    /// `<pool>`: an unlabelled value.
    Filler(String),
    /// `(a|b)`: one of the alternatives.
    Choice(Vec<Vec<Node>>),
    /// `[x]`: an optional part.
    Optional(Vec<Node>),
}

/// A parsed template with its place in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The intent section it belongs to.
    pub intent: String,
    /// Its position among the templates of that intent, from 0.
    pub index: usize,
    /// 1-based line in the file.
    pub line: usize,
    /// The line as written, without outer spaces: what the split is keyed on.
    pub source: String,
    /// The elements, in order.
    pub nodes: Vec<Node>,
}

/// A template file that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for TemplateError {}

/// Parses a whole template file: `@intent NAME` sections of template lines.
pub fn parse_file(text: &str) -> Result<Vec<Template>, TemplateError> {
    let mut templates = Vec::new();
    let mut intent: Option<String> = None;
    let mut index = 0;
    for (line_idx, raw) in text.lines().enumerate() {
        let line = line_idx + 1;
        let content = raw.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if let Some(name) = content.strip_prefix("@intent") {
            let name = name.trim();
            if name.is_empty() || name.contains(char::is_whitespace) {
                return Err(TemplateError { line, column: 1, message: "`@intent` needs one intent name".into() });
            }
            intent = Some(name.to_string());
            index = 0;
            continue;
        }
        let Some(intent) = &intent else {
            return Err(TemplateError { line, column: 1, message: "template before any `@intent` line".into() });
        };
        let nodes = parse_line(content).map_err(|(column, message)| TemplateError { line, column, message })?;
        templates.push(Template { intent: intent.clone(), index, line, source: content.to_string(), nodes });
        index += 1;
    }
    Ok(templates)
}

/// Parses one template line; on error, the 1-based column and a message.
pub fn parse_line(line: &str) -> Result<Vec<Node>, (usize, String)> {
    let chars: Vec<char> = line.chars().collect();
    let mut parser = Parser { chars: &chars, pos: 0 };
    let nodes = parser.sequence(&[])?;
    if parser.pos < chars.len() {
        return Err((parser.pos + 1, format!("unexpected {:?}", chars[parser.pos])));
    }
    Ok(nodes)
}

struct Parser<'a> {
    chars: &'a [char],
    pos: usize,
}

impl Parser<'_> {
    /// Parses until one of `stops` (not consumed) or the end.
    fn sequence(&mut self, stops: &[char]) -> Result<Vec<Node>, (usize, String)> {
        let mut nodes = Vec::new();
        let mut text = String::new();
        while let Some(&c) = self.chars.get(self.pos) {
            if stops.contains(&c) {
                break;
            }
            let node = match c {
                '{' => self.slot()?,
                '<' => self.filler()?,
                '(' => self.choice()?,
                '[' => {
                    self.pos += 1;
                    let inner = self.sequence(&[']'])?;
                    self.expect(']')?;
                    Node::Optional(inner)
                }
                ')' | ']' | '}' | '>' | '|' => return Err((self.pos + 1, format!("unexpected {c:?}"))),
                _ => {
                    text.push(c);
                    self.pos += 1;
                    continue;
                }
            };
            if !text.is_empty() {
                nodes.push(Node::Text(std::mem::take(&mut text)));
            }
            nodes.push(node);
        }
        if !text.is_empty() {
            nodes.push(Node::Text(text));
        }
        Ok(nodes)
    }

    fn expect(&mut self, close: char) -> Result<(), (usize, String)> {
        if self.chars.get(self.pos) == Some(&close) {
            self.pos += 1;
            Ok(())
        } else {
            Err((self.pos + 1, format!("expected {close:?}")))
        }
    }

    fn name_until(&mut self, close: char) -> Result<String, (usize, String)> {
        let start = self.pos;
        while let Some(&c) = self.chars.get(self.pos) {
            if c == close {
                let name: String = self.chars[start..self.pos].iter().collect();
                self.pos += 1;
                return Ok(name);
            }
            if !(c.is_ascii_alphanumeric() || c == '_' || c == '=') {
                return Err((self.pos + 1, format!("unexpected {c:?} in a name")));
            }
            self.pos += 1;
        }
        Err((start, format!("missing {close:?}")))
    }

    fn slot(&mut self) -> Result<Node, (usize, String)> {
        let column = self.pos + 1;
        self.pos += 1;
        let name = self.name_until('}')?;
        let (label, pool) = match name.split_once('=') {
            Some((label, pool)) => (label.to_string(), pool.to_string()),
            None => (name.clone(), name),
        };
        if label.is_empty() || pool.is_empty() || pool.contains('=') {
            return Err((column, "a slot is `{slot}` or `{slot=pool}`".into()));
        }
        Ok(Node::Slot { label, pool })
    }

    fn filler(&mut self) -> Result<Node, (usize, String)> {
        let column = self.pos + 1;
        self.pos += 1;
        let name = self.name_until('>')?;
        if name.is_empty() || name.contains('=') {
            return Err((column, "a filler is `<pool>`".into()));
        }
        Ok(Node::Filler(name))
    }

    fn choice(&mut self) -> Result<Node, (usize, String)> {
        self.pos += 1;
        let mut alternatives = vec![self.sequence(&['|', ')'])?];
        while self.chars.get(self.pos) == Some(&'|') {
            self.pos += 1;
            alternatives.push(self.sequence(&['|', ')'])?);
        }
        self.expect(')')?;
        Ok(Node::Choice(alternatives))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Node {
        Node::Text(s.into())
    }

    #[test]
    fn parses_every_construct() {
        let nodes = parse_line("<please> turn (on|switch on|) [the] {device=light_device}").unwrap();
        assert_eq!(
            nodes,
            vec![
                Node::Filler("please".into()),
                text(" turn "),
                Node::Choice(vec![vec![text("on")], vec![text("switch on")], vec![]]),
                text(" "),
                Node::Optional(vec![text("the")]),
                text(" "),
                Node::Slot { label: "device".into(), pool: "light_device".into() },
            ]
        );
        let nodes = parse_line("把{area}的(灯|[所有]{device_class=light_class})关了").unwrap();
        assert_eq!(nodes.len(), 5);
    }

    #[test]
    fn errors_point_at_the_column() {
        assert_eq!(parse_line("turn (on|off").unwrap_err().0, 13);
        assert_eq!(parse_line("turn on]").unwrap_err().0, 8);
        assert_eq!(parse_line("{dev ice}").unwrap_err().0, 5);
        let err = parse_file("@intent a\nok\n(broken\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(parse_file("no intent\n").is_err());
    }
}
