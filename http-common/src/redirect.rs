//! 重定向的 `Location` 指向哪里。
//!
//! Where a redirect's `Location` points: resolved against the URL that was
//! fetched, as a browser does, for the cases servers really send (an
//! absolute URL, `//host/path`, `/path`, `?query`, `path`). Bytes a URL may
//! not hold (spaces, non-ASCII, control characters) are percent-encoded, so
//! nothing a server sends reaches the terminal raw. Only `http://` and
//! `https://` are followed: `file:///etc/passwd` is refused, never read as
//! a path on the same server.

use ureq::http::Uri;

/// 这个状态码是不是要求跟随的重定向。
/// Whether `status` is a redirect to follow (`304 Not Modified` is not).
pub fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// 重定向被拒绝的原因。
/// Why a `Location` is not followed.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Another scheme than http/https (`file`, `ftp`, `javascript`…),
    /// with the percent-encoded location.
    Scheme { scheme: String, location: String },
    /// No URL can be made of it, with the percent-encoded location.
    Unusable(String),
}

/// The URL `location` points to, seen from `base`.
pub fn resolve(base: &Uri, location: &[u8]) -> Result<String, Refused> {
    let location = encode(location.trim_ascii());
    // The fragment is not sent to the server.
    let location = location.split('#').next().unwrap_or("").to_string();
    let scheme = base.scheme_str().unwrap_or("http");
    let authority = base.authority().map_or("", |a| a.as_str());
    let url = if let Some(rest) = location.strip_prefix("//") {
        format!("{scheme}://{rest}")
    } else if let Some(other) = scheme_of(&location) {
        if !other.eq_ignore_ascii_case("http")
            && !other.eq_ignore_ascii_case("https")
        {
            return Err(Refused::Scheme {
                scheme: other.to_ascii_lowercase(),
                location,
            });
        }
        location.clone()
    } else if location.starts_with('/') {
        format!("{scheme}://{authority}{location}")
    } else if location.starts_with('?') {
        format!("{scheme}://{authority}{}{location}", base.path())
    } else if location.is_empty() {
        base.to_string()
    } else {
        let path = base.path();
        let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
        let dir = if dir.is_empty() { "/" } else { dir };
        format!("{scheme}://{authority}{dir}{location}")
    };
    match url.parse::<Uri>() {
        Ok(uri) if uri.host().is_some_and(|h| !h.is_empty()) => Ok(url),
        _ => Err(Refused::Unusable(location)),
    }
}

/// The scheme of `url` (`file` in `file:///x`), if it has one.
fn scheme_of(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
    .then_some(scheme)
}

/// `location` with every byte a URL may not hold percent-encoded.
fn encode(location: &[u8]) -> String {
    let mut out = String::with_capacity(location.len());
    for &b in location {
        if b.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(base: &str, location: &str) -> Result<String, Refused> {
        resolve(&base.parse().unwrap(), location.as_bytes())
    }

    #[test]
    fn the_usual_forms() {
        let base = "http://127.0.0.1:8000/a/b?x=1";
        for (location, want) in [
            ("http://other:9/x", "http://other:9/x"),
            ("HTTPS://other/x", "HTTPS://other/x"),
            ("//other/x", "http://other/x"),
            ("/utf8", "http://127.0.0.1:8000/utf8"),
            ("?y=2", "http://127.0.0.1:8000/a/b?y=2"),
            ("c", "http://127.0.0.1:8000/a/c"),
            ("/p#frag", "http://127.0.0.1:8000/p"),
            (" /spaced ", "http://127.0.0.1:8000/spaced"),
        ] {
            assert_eq!(from(base, location).as_deref(), Ok(want), "{location}");
        }
        assert_eq!(from("http://h", "x").as_deref(), Ok("http://h/x"));
    }

    #[test]
    fn other_schemes_are_refused() {
        for (location, scheme) in [
            ("file:///etc/passwd", "file"),
            ("FTP://x/", "ftp"),
            ("javascript:alert(1)", "javascript"),
        ] {
            let got = from("http://h/", location);
            assert!(
                matches!(&got, Err(Refused::Scheme { scheme: s, .. }) if s == scheme),
                "{location}: {got:?}"
            );
        }
    }

    #[test]
    fn hostile_bytes_are_encoded() {
        let got = from("http://h/", "/ok\u{202e}evil\u{9b}\x1b[2J");
        assert_eq!(got.as_deref(), Ok("http://h/ok%E2%80%AEevil%C2%9B%1B[2J"));
        assert!(matches!(
            from("http://h/", "http://"),
            Err(Refused::Unusable(_))
        ));
    }

    #[test]
    fn only_redirects_are_followed() {
        assert!(is_redirect(302) && is_redirect(308));
        assert!(!is_redirect(304) && !is_redirect(200) && !is_redirect(300));
    }
}
