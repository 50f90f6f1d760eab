//! Prometheus's text exposition format 0.0.4: `# HELP` and `# TYPE` lines once per family, then
//! its samples, `name{label="value",...} value`, one a line.

use std::fmt::Write as _;

/// The `Content-Type` of a scrape's answer.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4";

/// A family's `# TYPE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Counter,
    Gauge,
    Summary,
}

impl Type {
    fn name(self) -> &'static str {
        match self {
            Type::Counter => "counter",
            Type::Gauge => "gauge",
            Type::Summary => "summary",
        }
    }
}

/// The text being written: families in the order they are opened.
#[derive(Debug, Default)]
pub struct Exposition {
    out: String,
    /// The family whose samples are being written (samples must follow their HELP and TYPE).
    family: String,
}

impl Exposition {
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens a family: its HELP and TYPE lines. Its samples follow with [`Exposition::sample`].
    pub fn family(&mut self, name: &str, kind: Type, help: &str) -> &mut Self {
        let _ = writeln!(self.out, "# HELP {name} {}", escape_help(help));
        let _ = writeln!(self.out, "# TYPE {name} {}", kind.name());
        self.family = name.to_string();
        self
    }

    /// A sample of the open family (`suffix` is `""`, or `_sum`, `_count`... for summaries).
    pub fn sample(&mut self, suffix: &str, labels: &[(&str, &str)], value: f64) -> &mut Self {
        self.out.push_str(&self.family);
        self.out.push_str(suffix);
        if !labels.is_empty() {
            self.out.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                let _ = write!(self.out, "{k}=\"{}\"", escape_label(v));
            }
            self.out.push('}');
        }
        self.out.push(' ');
        self.out.push_str(&number(value));
        self.out.push('\n');
        self
    }

    /// A family with a single unlabelled sample.
    pub fn single(&mut self, name: &str, kind: Type, help: &str, value: f64) -> &mut Self {
        self.family(name, kind, help).sample("", &[], value)
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// A label value: backslash, double quote and line feed escaped.
pub fn escape_label(v: &str) -> String {
    let mut s = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '"' => s.push_str("\\\""),
            '\n' => s.push_str("\\n"),
            c => s.push(c),
        }
    }
    s
}

/// A HELP text: backslash and line feed escaped.
pub fn escape_help(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\n', "\\n")
}

/// A sample value as Go's ParseFloat reads it: integers without a fraction, `NaN`, `+Inf`.
pub fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_samples_and_escapes() {
        let mut e = Exposition::new();
        e.single("redis_up", Type::Gauge, "Up.\nReally \\ up", 1.0);
        e.family("m", Type::Summary, "h")
            .sample("", &[("quantile", "0.5"), ("x", "a\"b\\c\nd")], 0.25)
            .sample("_count", &[], 3.0);
        assert_eq!(
            e.finish(),
            "# HELP redis_up Up.\\nReally \\\\ up\n# TYPE redis_up gauge\nredis_up 1\n\
             # HELP m h\n# TYPE m summary\nm{quantile=\"0.5\",x=\"a\\\"b\\\\c\\nd\"} 0.25\n\
             m_count 3\n"
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(number(0.0), "0");
        assert_eq!(number(-3.0), "-3");
        assert_eq!(number(1.5e-6), "0.0000015");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(f64::INFINITY), "+Inf");
        assert_eq!(number(1e20), "100000000000000000000");
    }
}
