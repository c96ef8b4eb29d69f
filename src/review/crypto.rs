//! SM3 digests and SM2 signatures (第十七条: 商用密码). Keys come in as PEM text; nothing here touches files.

use sm2::dsa::signature::{Signer, Verifier};
use sm2::dsa::{Signature, SigningKey, VerifyingKey};
use sm2::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePublicKey, LineEnding};
use sm2::{PublicKey, SecretKey};
use sm3::{Digest, Sm3};

/// The SM2 distinguishing identifier (GM/T 0009 default, also OpenSSL's): `distid:1234567812345678`.
pub const DISTID: &str = "1234567812345678";

/// SM3 digest of `bytes` as 64 lower-case hex digits.
pub fn sm3_hex(bytes: &[u8]) -> String {
    hex::encode(Sm3::digest(bytes))
}

/// Why a key could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("不是 SM2 公钥（需要 PEM 格式的 SubjectPublicKeyInfo，-----BEGIN PUBLIC KEY-----）/ not an SM2 public key (SPKI PEM)")]
    PublicKey,
    #[error("不是 SM2 私钥（需要未加密的 PKCS#8 PEM，-----BEGIN PRIVATE KEY-----）/ not an SM2 private key (unencrypted PKCS#8 PEM)")]
    PrivateKey,
}

/// A reviewer's public key, ready to verify (the SM2 `Z` value is computed once, here).
#[derive(Clone)]
pub struct PublicKeyPem {
    key: VerifyingKey,
}

impl std::fmt::Debug for PublicKeyPem {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.to_pem())
    }
}

impl PartialEq for PublicKeyPem {
    fn eq(&self, other: &Self) -> bool {
        self.key.to_sec1_bytes() == other.key.to_sec1_bytes()
    }
}

impl PublicKeyPem {
    /// Reads an SPKI PEM public key (as `govpress keygen` prints or `openssl pkey -pubout` writes).
    pub fn parse(pem: &str) -> Result<PublicKeyPem, KeyError> {
        let public = PublicKey::from_public_key_pem(pem.trim()).map_err(|_| KeyError::PublicKey)?;
        let key = VerifyingKey::new(DISTID, public).map_err(|_| KeyError::PublicKey)?;
        Ok(PublicKeyPem { key })
    }

    pub fn to_pem(&self) -> String {
        PublicKey::from(&self.key).to_public_key_pem(LineEnding::LF).unwrap_or_default()
    }

    /// Checks a DER-encoded SM2 signature over `message`.
    pub fn verify(&self, message: &[u8], signature_der: &[u8]) -> bool {
        Signature::from_der(signature_der).is_ok_and(|signature| self.key.verify(message, &signature).is_ok())
    }
}

/// A reviewer's private key. Signing is deterministic (RFC 6979-style nonce from key and message), so the
/// core needs no random source.
#[derive(Clone)]
pub struct PrivateKey {
    key: SigningKey,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("PrivateKey(SM2, redacted)")
    }
}

impl PrivateKey {
    /// Reads an unencrypted PKCS#8 PEM private key (`govpress keygen` or `openssl genpkey -algorithm SM2`).
    pub fn parse(pem: &str) -> Result<PrivateKey, KeyError> {
        let secret = SecretKey::from_pkcs8_pem(pem.trim()).map_err(|_| KeyError::PrivateKey)?;
        PrivateKey::from_secret(&secret)
    }

    pub fn from_secret(secret: &SecretKey) -> Result<PrivateKey, KeyError> {
        let key = SigningKey::new(DISTID, secret).map_err(|_| KeyError::PrivateKey)?;
        Ok(PrivateKey { key })
    }

    pub fn public_key(&self) -> PublicKeyPem {
        PublicKeyPem { key: self.key.verifying_key().clone() }
    }

    /// A DER-encoded SM2 signature over `message` (SM3 with the `Z` prefix of GM/T 0009).
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let signature: Signature = self.key.sign(message);
        signature.to_der().to_vec()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Fixed test keys, derived from constant scalars so tests need no random source.
    pub(crate) fn test_key(seed: u8) -> PrivateKey {
        let mut bytes = [0x11u8; 32];
        bytes[31] = seed;
        bytes[0] = 0x01;
        let secret = SecretKey::from_slice(&bytes).expect("a valid scalar");
        PrivateKey::from_secret(&secret).expect("a valid key")
    }

    #[test]
    fn sm3_matches_the_standard_vector() {
        // GM/T 0004-2012 example 1: "abc".
        assert_eq!(sm3_hex(b"abc"), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    }

    #[test]
    fn signatures_verify_and_fail_on_change() {
        let key = test_key(1);
        let public = PublicKeyPem::parse(&key.public_key().to_pem()).unwrap();
        let signature = key.sign(b"record");
        assert!(public.verify(b"record", &signature));
        assert!(!public.verify(b"recorD", &signature));
        assert!(!test_key(2).public_key().verify(b"record", &signature));
        assert!(!public.verify(b"record", b"not der"));
    }

    #[test]
    fn bad_pem_is_an_error_not_a_panic() {
        assert_eq!(
            PublicKeyPem::parse("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").unwrap_err(),
            KeyError::PublicKey
        );
        assert_eq!(PrivateKey::parse("nonsense").unwrap_err(), KeyError::PrivateKey);
    }
}
