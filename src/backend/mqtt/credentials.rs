//! The broker's user and password: from `--mqtt-user`/`$HEARTH_MQTT_USER`
//! and `--mqtt-password-file`/`$HEARTH_MQTT_PASSWORD`. The password is
//! never printed: `Debug` shows it as `<hidden>`.

use std::fmt;
use std::path::{Path, PathBuf};

/// A user and password for the broker.
#[derive(Clone)]
pub struct Credentials {
    /// The user name.
    pub user: String,
    password: String,
}

/// Credentials that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    /// The password file could not be read.
    #[error("cannot read the MQTT password file {path}: {source}")]
    PasswordFile {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A password without a user.
    #[error("an MQTT password was given without a user (--mqtt-user or $HEARTH_MQTT_USER)")]
    PasswordWithoutUser,
}

impl Credentials {
    /// A user and password.
    pub fn new(user: impl Into<String>, password: impl Into<String>) -> Self {
        Credentials { user: user.into(), password: password.into() }
    }

    /// The password (to hand to the MQTT client only).
    pub fn password(&self) -> &str {
        &self.password
    }

    /// Reads credentials: the user from `user` or `$HEARTH_MQTT_USER`, the
    /// password from the first line of `password_file` or from
    /// `$HEARTH_MQTT_PASSWORD`. `None` when no user is given.
    pub fn from_args(user: Option<&str>, password_file: Option<&Path>) -> Result<Option<Self>, CredentialsError> {
        let user = user.map(str::to_string).or_else(|| std::env::var("HEARTH_MQTT_USER").ok());
        let password = match password_file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|source| CredentialsError::PasswordFile { path: path.to_path_buf(), source })?;
                Some(text.lines().next().unwrap_or("").to_string())
            }
            None => std::env::var("HEARTH_MQTT_PASSWORD").ok(),
        };
        match (user, password) {
            (Some(user), password) => Ok(Some(Credentials::new(user, password.unwrap_or_default()))),
            (None, Some(_)) => Err(CredentialsError::PasswordWithoutUser),
            (None, None) => Ok(None),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials").field("user", &self.user).field("password", &"<hidden>").finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_is_read_from_a_file_and_never_shown() {
        let file = std::env::temp_dir().join(format!("hearth-mqtt-password-{}", std::process::id()));
        std::fs::write(&file, "s3cret\n").unwrap();
        let credentials = Credentials::from_args(Some("hub"), Some(&file)).unwrap().unwrap();
        assert_eq!((credentials.user.as_str(), credentials.password()), ("hub", "s3cret"));
        assert!(!format!("{credentials:?}").contains("s3cret"));
        std::fs::remove_file(&file).unwrap();
        let missing = Credentials::from_args(Some("hub"), Some(&file)).unwrap_err();
        assert!(missing.to_string().contains("password file"));
    }
}
