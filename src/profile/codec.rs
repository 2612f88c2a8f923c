//! The profile file format.
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `HEARTHP\0` |
//! | 4 | format version, little endian (currently 1) |
//! | 4 | payload length, little endian |
//! | n | the [`Profile`] in postcard |
//! | 4 | CRC-32 (IEEE) of the payload, little endian |
//!
//! A file with another magic, a newer version, a wrong length or checksum, or
//! a payload postcard cannot read is refused with a [`CodecError`].

use super::Profile;

/// Magic bytes at the start of a profile file.
pub const MAGIC: &[u8; 8] = b"HEARTHP\0";
/// The format version this code writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// Why a profile file was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CodecError {
    /// The file does not start with the profile magic.
    #[error("not a hearth profile")]
    BadMagic,
    /// The file was written by a newer hearth.
    #[error("format version {0} is newer than this hearth reads ({FORMAT_VERSION})")]
    NewerVersion(u32),
    /// The file is shorter than its header says.
    #[error("the file is truncated")]
    Truncated,
    /// The checksum does not match.
    #[error("checksum mismatch")]
    BadChecksum,
    /// The payload does not decode.
    #[error("unreadable payload: {0}")]
    BadPayload(String),
}

/// Encodes a profile as file bytes.
pub fn encode(profile: &Profile) -> Vec<u8> {
    let payload = postcard::to_allocvec(profile).expect("profiles serialise");
    let mut out = Vec::with_capacity(payload.len() + 20);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&crc32(&payload).to_le_bytes());
    out
}

/// Decodes file bytes.
pub fn decode(bytes: &[u8]) -> Result<Profile, CodecError> {
    if bytes.len() < 16 || &bytes[..8] != MAGIC {
        return Err(if bytes.len() >= 8 && &bytes[..8] == MAGIC {
            CodecError::Truncated
        } else {
            CodecError::BadMagic
        });
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version > FORMAT_VERSION {
        return Err(CodecError::NewerVersion(version));
    }
    let len = u32::from_le_bytes(bytes[12..16].try_into().expect("4 bytes")) as usize;
    let rest = &bytes[16..];
    if rest.len() != len.saturating_add(4) {
        return Err(CodecError::Truncated);
    }
    let (payload, crc) = rest.split_at(len);
    if crc32(payload).to_le_bytes() != crc {
        return Err(CodecError::BadChecksum);
    }
    postcard::from_bytes(payload).map_err(|e| CodecError::BadPayload(e.to_string()))
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn every_damage_is_refused() {
        let profile = Profile { name: Some("小明".into()), ..Profile::default() };
        let bytes = encode(&profile);
        assert_eq!(decode(&bytes).unwrap(), profile);
        assert_eq!(decode(&bytes[..bytes.len() - 1]), Err(CodecError::Truncated));
        assert_eq!(decode(b"hello world, not a profile"), Err(CodecError::BadMagic));
        let mut flipped = bytes.clone();
        flipped[17] ^= 1;
        assert_eq!(decode(&flipped), Err(CodecError::BadChecksum));
        let mut newer = bytes.clone();
        newer[8] = 9;
        assert_eq!(decode(&newer), Err(CodecError::NewerVersion(9)));
    }
}
