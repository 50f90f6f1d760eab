//! The validity checks some parameters add to their type, with Redis's error texts.

/// Redactor, like the Debian build of Redis, has no allocator support for active defragmentation.
pub(crate) fn check_activedefrag(enable: bool) -> Result<(), &'static str> {
    if enable {
        Err(
            "Active defragmentation cannot be enabled: it requires a Redis server compiled with a \
             modified Jemalloc like the one shipped by default with the Redis source distribution",
        )
    } else {
        Ok(())
    }
}

fn is_base_name(value: &[u8]) -> bool {
    !value.contains(&b'/') && !value.contains(&b'\\')
}

pub(crate) fn check_dbfilename(value: &[u8]) -> Result<(), &'static str> {
    if is_base_name(value) {
        Ok(())
    } else {
        Err("dbfilename can't be a path, just a filename")
    }
}

pub(crate) fn check_appendfilename(value: &[u8]) -> Result<(), &'static str> {
    if value.is_empty() {
        Err("appendfilename can't be empty")
    } else if !is_base_name(value) {
        Err("appendfilename can't be a path, just a filename")
    } else {
        Ok(())
    }
}

pub(crate) fn check_appenddirname(value: &[u8]) -> Result<(), &'static str> {
    if value.is_empty() {
        Err("appenddirname can't be empty")
    } else if !is_base_name(value) {
        Err("appenddirname can't be a path, just a dirname")
    } else {
        Ok(())
    }
}

pub(crate) fn check_hostname(value: &[u8]) -> Result<(), &'static str> {
    if value.len() >= 256 {
        return Err("Hostnames must be less than 256 characters");
    }
    if value
        .iter()
        .all(|&c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
    {
        Ok(())
    } else {
        Err("Hostnames may only contain alphanumeric characters, hyphens or dots")
    }
}

/// `validateProcTitleTemplate`: every `{variable}` must be known and the expansion (with an empty
/// title) must not be blank. `{listen-addr}`, `{config-file}` and the ports always expand to
/// something; `{title}`, `{server-mode}` (outside Sentinel) and `{unixsocket}` may be empty.
pub(crate) fn check_proc_title_template(value: &[u8]) -> Result<(), &'static str> {
    const INVALID: &str = "template format is invalid or contains unknown variables";
    let mut expanded_something = false;
    let mut rest = value;
    while let Some(open) = rest.iter().position(|&b| b == b'{') {
        expanded_something |= rest[..open].iter().any(|&b| b != b' ');
        rest = &rest[open + 1..];
        match rest.first() {
            None => return Err(INVALID),
            Some(b'{') => {
                expanded_something = true;
                rest = &rest[1..];
                continue;
            }
            Some(_) => {}
        }
        let close = rest.iter().position(|&b| b == b'}').ok_or(INVALID)?;
        match &rest[..close] {
            b"listen-addr" | b"config-file" | b"port" | b"tls-port" => expanded_something = true,
            b"title" | b"server-mode" | b"unixsocket" => {}
            _ => return Err(INVALID),
        }
        rest = &rest[close + 1..];
    }
    expanded_something |= rest.iter().any(|&b| b != b' ');
    if expanded_something {
        Ok(())
    } else {
        Err(INVALID)
    }
}

pub(crate) fn check_shutdown_flags(value: u32) -> Result<(), &'static str> {
    if value & 1 != 0 && value & 2 != 0 {
        Err("shutdown options SAVE and NOSAVE can't be used simultaneously")
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::table::DEFAULT_PROC_TITLE_TEMPLATE;

    #[test]
    fn validators() {
        assert!(check_dbfilename(b"dump.rdb").is_ok());
        assert_eq!(
            check_dbfilename(b"a/b"),
            Err("dbfilename can't be a path, just a filename")
        );
        assert_eq!(
            check_appendfilename(b""),
            Err("appendfilename can't be empty")
        );
        assert_eq!(
            check_appenddirname(b"a\\b"),
            Err("appenddirname can't be a path, just a dirname")
        );
        assert!(check_hostname(b"host-1.example").is_ok());
        assert_eq!(
            check_hostname(b"a_b"),
            Err("Hostnames may only contain alphanumeric characters, hyphens or dots")
        );
        let templates: &[(&str, bool)] = &[
            (DEFAULT_PROC_TITLE_TEMPLATE, true),
            ("{title}", false),
            ("{foo}", false),
            ("{title", false),
            ("x {title}", true),
            ("{{", true),
            ("{port}", true),
            ("  ", false),
            ("", false),
        ];
        for &(template, ok) in templates {
            assert_eq!(
                check_proc_title_template(template.as_bytes()).is_ok(),
                ok,
                "{template:?}"
            );
        }
        assert!(check_shutdown_flags(1 | 4).is_ok());
        assert!(check_shutdown_flags(1 | 2).is_err());
    }
}
