//! The `--backend` argument: `sim`, `mqtt://HOST:PORT` or `mqtts://HOST:PORT`.

use std::fmt;
use std::str::FromStr;

/// Which backend to use, as written on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendSpec {
    /// The simulated home (the default).
    Simulated,
    /// An MQTT broker.
    Mqtt {
        /// `mqtts://`: TLS.
        tls: bool,
        /// Host name or address.
        host: String,
        /// Port (default 1883, or 8883 with TLS).
        port: u16,
    },
}

/// A `--backend` value that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    /// Not `sim`, `mqtt://` or `mqtts://`.
    #[error("unknown backend `{0}`: use `sim`, `mqtt://HOST:PORT` or `mqtts://HOST:PORT`")]
    UnknownScheme(String),
    /// No host after the scheme.
    #[error("`{0}` names no host")]
    NoHost(String),
    /// The port is not a number from 1 to 65535.
    #[error("`{0}` has a bad port")]
    BadPort(String),
    /// A password in the URL would show in process lists and shell history.
    #[error(
        "`{0}` carries credentials; give the user with --mqtt-user and the password with --mqtt-password-file or $HEARTH_MQTT_PASSWORD"
    )]
    CredentialsInUrl(String),
    /// A path, query or fragment after the host.
    #[error("`{0}` has a path; write only mqtt://HOST:PORT")]
    HasPath(String),
}

impl FromStr for BackendSpec {
    type Err = SpecError;

    fn from_str(text: &str) -> Result<Self, SpecError> {
        let text = text.trim();
        if text == "sim" || text == "simulated" {
            return Ok(BackendSpec::Simulated);
        }
        let (tls, rest) = if let Some(rest) = text.strip_prefix("mqtt://") {
            (false, rest)
        } else if let Some(rest) = text.strip_prefix("mqtts://") {
            (true, rest)
        } else {
            return Err(SpecError::UnknownScheme(text.to_string()));
        };
        // The error names the scheme and host only, never what looked like credentials.
        if let Some(at) = rest.rfind('@') {
            let scheme = if tls { "mqtts://" } else { "mqtt://" };
            return Err(SpecError::CredentialsInUrl(format!("{scheme}…@{}", &rest[at + 1..])));
        }
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains(['/', '?', '#']) {
            return Err(SpecError::HasPath(text.to_string()));
        }
        let default_port = if tls { 8883 } else { 1883 };
        let (host, port) = match rest.strip_prefix('[') {
            Some(v6) => {
                let (host, after) = v6.split_once(']').ok_or_else(|| SpecError::NoHost(text.to_string()))?;
                (host, after.strip_prefix(':'))
            }
            None => match rest.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (rest, None),
            },
        };
        if host.is_empty() {
            return Err(SpecError::NoHost(text.to_string()));
        }
        let port = match port {
            None => default_port,
            Some(port) => {
                port.parse::<u16>().ok().filter(|&p| p > 0).ok_or_else(|| SpecError::BadPort(text.to_string()))?
            }
        };
        Ok(BackendSpec::Mqtt { tls, host: host.to_string(), port })
    }
}

impl fmt::Display for BackendSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackendSpec::Simulated => write!(f, "sim"),
            BackendSpec::Mqtt { tls, host, port } => {
                let scheme = if *tls { "mqtts" } else { "mqtt" };
                if host.contains(':') {
                    write!(f, "{scheme}://[{host}]:{port}")
                } else {
                    write!(f, "{scheme}://{host}:{port}")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mqtt(tls: bool, host: &str, port: u16) -> BackendSpec {
        BackendSpec::Mqtt { tls, host: host.into(), port }
    }

    #[test]
    fn schemes_hosts_and_ports() {
        assert_eq!("sim".parse(), Ok(BackendSpec::Simulated));
        assert_eq!("mqtt://127.0.0.1:1883".parse(), Ok(mqtt(false, "127.0.0.1", 1883)));
        assert_eq!("mqtt://pi.local".parse(), Ok(mqtt(false, "pi.local", 1883)));
        assert_eq!("mqtts://broker/".parse(), Ok(mqtt(true, "broker", 8883)));
        assert_eq!("mqtt://[::1]:1884".parse(), Ok(mqtt(false, "::1", 1884)));
        assert_eq!(mqtt(false, "::1", 1884).to_string(), "mqtt://[::1]:1884");
    }

    #[test]
    fn refusals_never_echo_a_password() {
        let err = "mqtt://ana:secret@pi:1883".parse::<BackendSpec>().unwrap_err();
        assert!(matches!(err, SpecError::CredentialsInUrl(_)));
        assert!(!err.to_string().contains("secret") && !err.to_string().contains("ana"), "{err}");
        assert!(matches!("http://pi".parse::<BackendSpec>(), Err(SpecError::UnknownScheme(_))));
        assert!(matches!("mqtt://pi:99999".parse::<BackendSpec>(), Err(SpecError::BadPort(_))));
        assert!(matches!("mqtt://:1883".parse::<BackendSpec>(), Err(SpecError::NoHost(_))));
        assert!(matches!("mqtt://pi/x".parse::<BackendSpec>(), Err(SpecError::HasPath(_))));
    }
}
