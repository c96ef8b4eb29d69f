//! SM3 digests and SM2 signatures (第十七条: 商用密码). Keys come in as PEM text; nothing here touches files.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, OnceLock};

use sm2::dsa::signature::Signer;
use sm2::dsa::{Signature, SigningKey, VerifyingKey};
use sm2::elliptic_curve::ops::Reduce;
use sm2::elliptic_curve::point::AffineCoordinates;
use sm2::elliptic_curve::sec1::ToSec1Point;
use sm2::elliptic_curve::{CurveGroup, Group, PrimeField};
use sm2::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePublicKey, LineEnding};
use sm2::{AffinePoint, FieldBytes, ProjectivePoint, PublicKey, Scalar, SecretKey, Sm2};
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

/// A reviewer's public key, ready to verify (the SM2 `Z` value is computed once, here). The multiples of
/// the key that verification needs are computed on the first verification and reused: a reviewer signs
/// thousands of records, so each verification then costs two table walks instead of a full double
/// scalar multiplication (see `fast_verify`). A batch with many of the key's signatures builds the wider
/// table (`WideTable`) once and walks it instead (`verify_batch`).
#[derive(Clone)]
pub struct PublicKeyPem {
    key: VerifyingKey,
    identity_hash: [u8; 32],
    table: Arc<OnceLock<KeyTable>>,
    wide: Arc<OnceLock<WideTable>>,
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
        PublicKeyPem::from_public(public)
    }

    fn from_public(public: PublicKey) -> Result<PublicKeyPem, KeyError> {
        let key = VerifyingKey::new(DISTID, public).map_err(|_| KeyError::PublicKey)?;
        let identity_hash = identity_hash(&key).ok_or(KeyError::PublicKey)?;
        Ok(PublicKeyPem { key, identity_hash, table: Arc::default(), wide: Arc::default() })
    }

    /// The DER SubjectPublicKeyInfo: what `openssl pkey -pubin -outform DER` writes, and what the
    /// fingerprint digests.
    pub fn to_der(&self) -> Vec<u8> {
        PublicKey::from(&self.key).to_public_key_der().map(|der| der.as_bytes().to_vec()).unwrap_or_default()
    }

    /// SM3 of the DER public key, 64 lower-case hex digits: how a key is named outside the repository
    /// (`openssl pkey -pubin -in KEY.pub -outform DER | openssl dgst -sm3` prints the same).
    pub fn fingerprint(&self) -> String {
        sm3_hex(&self.to_der())
    }

    /// The uncompressed SEC1 point: the key's exact identity, cheaper than its DER form.
    pub fn to_sec1(&self) -> Vec<u8> {
        self.key.to_sec1_bytes().to_vec()
    }

    pub fn to_pem(&self) -> String {
        PublicKey::from(&self.key).to_public_key_pem(LineEnding::LF).unwrap_or_default()
    }

    /// Checks a DER-encoded SM2 signature over `message` (GM/T 0003.2 §7, steps B1–B7).
    pub fn verify(&self, message: &[u8], signature_der: &[u8]) -> bool {
        Signature::from_der(signature_der).is_ok_and(|signature| self.fast_verify(message, &signature))
    }

    /// The sm2 crate's verification computes `[s]G + [t]P` with a constant-time linear combination that
    /// rebuilds P's table each time (~0.19 ms). Nothing here is secret, so this walks sm2's own
    /// precomputed generator table and a table of P's multiples kept with the key, both in variable time.
    /// The tests hold it to the crate's verification on valid and altered signatures.
    fn fast_verify(&self, message: &[u8], signature: &Signature) -> bool {
        self.pending(message, signature, Tables::Narrow)
            .is_some_and(|pending| pending.holds(&pending.point.to_affine()))
    }

    /// Steps B1–B6 of the verification with the given tables; `None` when the signature already fails.
    fn pending(&self, message: &[u8], signature: &Signature, tables: Tables) -> Option<Pending> {
        // B1, B2: r and s in [1, n-1] are checked when the signature is parsed (NonZeroScalar).
        let (r, s) = (*signature.r(), *signature.s());
        // B3, B4: e = SM3(Z || M).
        let digest = Sm3::new_with_prefix(self.identity_hash).chain_update(message).finalize();
        #[allow(deprecated)] // `from_slice`, as the sm2 crate itself does
        let e = <Scalar as Reduce<FieldBytes>>::reduce(FieldBytes::from_slice(&digest));
        // B5: t = r + s mod n, t ≠ 0.
        let t = r + s;
        if bool::from(t.is_zero()) {
            return None;
        }
        // B6: (x1, y1) = [s]G + [t]P, not the point at infinity.
        let point = match tables {
            Tables::Narrow => {
                let table = self.table.get_or_init(|| KeyTable::new(self.point()));
                <<Sm2 as primeorder::PrimeCurveParams>::Backend as primeorder::mul_backend::MulBackend<Sm2>>::mul_by_generator_vartime(&s)
                    + table.mul_vartime(&t)
            }
            Tables::Wide => {
                let mut sum = ProjectivePoint::IDENTITY;
                GENERATOR_TABLE.add_multiple(&mut sum, &s);
                self.wide_table().add_multiple(&mut sum, &t);
                sum
            }
        };
        (!bool::from(point.is_identity())).then_some(Pending { r, e, point })
    }

    fn point(&self) -> ProjectivePoint {
        ProjectivePoint::from(*self.key.as_affine())
    }

    /// Builds the key's wide table now, as `verify_batch` does on its first batch with at least
    /// `WIDE_TABLE_MIN_SIGNATURES` of the key's signatures: a host with threads builds several keys' tables
    /// at once before splitting the signatures into batches, instead of each batch waiting on one build.
    pub fn prepare_wide_table(&self) {
        self.wide_table();
    }

    fn wide_table(&self) -> &WideTable {
        self.wide.get_or_init(|| WideTable::new(self.point()))
    }
}

/// Which precomputed multiples a verification walks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tables {
    /// sm2's generator table and the key's `KeyTable` (radix 16: 66 + 66 projective additions).
    Narrow,
    /// `WideTable`s of the generator and of the key (radix 256: 33 + 33 mixed additions).
    Wide,
}

/// A key with at least this many signatures in one batch gets its `WideTable` (built once, ~4,200 point
/// additions: about the cost of 60 verifications, each of which it then makes about twice as fast).
pub const WIDE_TABLE_MIN_SIGNATURES: usize = 64;

/// Builds the generator's wide table now (see [`PublicKeyPem::prepare_wide_table`]).
pub fn prepare_generator_table() {
    LazyLock::force(&GENERATOR_TABLE);
}

/// One signature to check with `verify_batch`: the key, the message and the DER signature.
#[derive(Debug, Clone, Copy)]
pub struct SignedMessage<'a> {
    pub key: &'a PublicKeyPem,
    pub message: &'a [u8],
    pub signature_der: &'a [u8],
}

/// `PublicKeyPem::verify` for many signatures, each with its own key: the same answers, but the points
/// of step B6 are brought to affine form together (`batch_normalize`: one field inversion for the whole
/// batch instead of one per signature, about a fifth of a verification's cost).
pub fn verify_batch(items: &[SignedMessage<'_>]) -> Vec<bool> {
    // A key signing many of the batch's records is worth its wide table (as is one that has it already).
    let mut per_key: HashMap<*const OnceLock<WideTable>, usize> = HashMap::new();
    for item in items {
        *per_key.entry(Arc::as_ptr(&item.key.wide)).or_default() += 1;
    }
    let tables_for = |key: &PublicKeyPem| {
        let many = per_key.get(&Arc::as_ptr(&key.wide)).is_some_and(|&count| count >= WIDE_TABLE_MIN_SIGNATURES);
        if many || key.wide.get().is_some() {
            Tables::Wide
        } else {
            Tables::Narrow
        }
    };
    let pending: Vec<(usize, Pending)> = items
        .iter()
        .enumerate()
        .filter_map(|(index, item)| {
            let signature = Signature::from_der(item.signature_der).ok()?;
            Some((index, item.key.pending(item.message, &signature, tables_for(item.key))?))
        })
        .collect();
    let points: Vec<ProjectivePoint> = pending.iter().map(|(_, pending)| pending.point).collect();
    let mut affine = vec![AffinePoint::IDENTITY; points.len()];
    <ProjectivePoint as CurveGroup>::batch_normalize(&points, &mut affine);
    let mut results = vec![false; items.len()];
    for ((index, pending), point) in pending.iter().zip(&affine) {
        results[*index] = pending.holds(point);
    }
    results
}

/// A verification up to step B6: r, e and the point `[s]G + [t]P` (not the point at infinity).
struct Pending {
    r: Scalar,
    e: Scalar,
    point: ProjectivePoint,
}

impl Pending {
    /// B7: R = (e + x1) mod n equals r, with `affine` the point in affine form.
    fn holds(&self, affine: &AffinePoint) -> bool {
        self.r == self.e + <Scalar as Reduce<FieldBytes>>::reduce(&affine.x())
    }
}

/// `Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA)` (GM/T 0003.2 §5.5), as the sm2 crate computes it.
fn identity_hash(key: &VerifyingKey) -> Option<[u8; 32]> {
    use primeorder::PrimeCurveParams;
    let entl = u16::try_from(DISTID.len() * 8).ok()?;
    let point = key.as_affine().to_sec1_point(false);
    let (x, y) = (point.x()?, point.y()?);
    let digest = Sm3::new()
        .chain_update(entl.to_be_bytes())
        .chain_update(DISTID)
        .chain_update(Sm2::EQUATION_A.to_bytes())
        .chain_update(Sm2::EQUATION_B.to_bytes())
        .chain_update(Sm2::GENERATOR.0.to_bytes())
        .chain_update(Sm2::GENERATOR.1.to_bytes())
        .chain_update(x)
        .chain_update(y)
        .finalize();
    Some(digest.into())
}

/// Multiples of one point laid out as sm2's generator table is (`primeorder::BasepointTable`): 33
/// windows of 8 multiples, each window 2⁸ times the one before.
struct KeyTable {
    windows: Vec<primeorder::LookupTable<ProjectivePoint>>,
}

impl KeyTable {
    const WINDOWS: usize = 33;

    fn new(mut point: ProjectivePoint) -> KeyTable {
        let mut windows = Vec::with_capacity(KeyTable::WINDOWS);
        for _ in 0..KeyTable::WINDOWS {
            windows.push(primeorder::LookupTable::new(point));
            for _ in 0..8 {
                point = point.double();
            }
        }
        KeyTable { windows }
    }

    /// `[k]P`, the same walk as `BasepointTable::mul_vartime`.
    fn mul_vartime(&self, k: &Scalar) -> ProjectivePoint {
        use primeorder::{Radix16Decomposition, Radix16Digits};
        let digits = Radix16Decomposition::<Radix16Digits<Sm2>>::new(k);
        let bytes = KeyTable::WINDOWS - 1;
        let select = |window: usize, digit: usize| {
            self.windows.get(window).map_or(ProjectivePoint::IDENTITY, |table| table.select_vartime(digits[digit]))
        };
        let mut even = select(bytes, bytes * 2);
        let mut odd = ProjectivePoint::IDENTITY;
        for window in (0..bytes).rev() {
            odd += select(window, window * 2 + 1);
            even += select(window, window * 2);
        }
        for _ in 0..4 {
            odd = odd.double();
        }
        even + odd
    }
}

/// The generator's `WideTable`, computed on first use (as sm2 computes its own generator table) and
/// never changed: a constant, not state.
static GENERATOR_TABLE: LazyLock<WideTable> = LazyLock::new(|| WideTable::new(ProjectivePoint::GENERATOR));

/// Multiples of one point for `[k]P` with radix-256 signed digits: 33 windows of the 128 multiples
/// `[1..=128]·2^(8i)·P`, in affine form (one inversion for the whole table, `batch_normalize`), so a
/// scalar costs at most 33 mixed additions (11 field multiplications each instead of 12) and no
/// doubling — against 66 projective additions and 4 doublings for `KeyTable`. 4,224 points, ~300 KB.
struct WideTable {
    points: Vec<AffinePoint>,
}

impl WideTable {
    const WINDOWS: usize = 33;
    const HALF: usize = 128;

    fn new(point: ProjectivePoint) -> WideTable {
        let mut projective = Vec::with_capacity(WideTable::WINDOWS * WideTable::HALF);
        let mut base = point;
        for _ in 0..WideTable::WINDOWS {
            let mut multiple = base;
            projective.push(multiple);
            for _ in 1..WideTable::HALF {
                multiple += base;
                projective.push(multiple);
            }
            // 2^8 times this window's base: twice its last multiple, [128]·base.
            base = multiple.double();
        }
        let mut points = vec![AffinePoint::IDENTITY; projective.len()];
        <ProjectivePoint as CurveGroup>::batch_normalize(&projective, &mut points);
        WideTable { points }
    }

    /// The scalar's radix-256 signed digits, least significant first: each in [-127, 128], and
    /// `k = Σ digit·2^(8i)` (the 33rd digit takes the last carry).
    fn digits(k: &Scalar) -> [i16; WideTable::WINDOWS] {
        let bytes = k.to_repr(); // big-endian
        let mut digits = [0i16; WideTable::WINDOWS];
        let mut carry = 0i16;
        for (digit, &byte) in digits.iter_mut().zip(bytes.iter().rev()) {
            let value = i16::from(byte) + carry;
            (*digit, carry) = if value > 128 { (value - 256, 1) } else { (value, 0) };
        }
        digits[WideTable::WINDOWS - 1] = carry;
        digits
    }

    /// Adds `[k]P` to `sum`, in variable time (nothing verified is secret).
    fn add_multiple(&self, sum: &mut ProjectivePoint, k: &Scalar) {
        for (window, &digit) in WideTable::digits(k).iter().enumerate() {
            // Digit 0 adds nothing; ±d adds ±[d]·2^(8·window)·P.
            let Some(offset) = usize::from(digit.unsigned_abs()).checked_sub(1) else { continue };
            let Some(point) = self.points.get(window * WideTable::HALF + offset) else { continue };
            if digit > 0 {
                *sum += point;
            } else {
                *sum += -point;
            }
        }
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
        let key = self.key.verifying_key().clone();
        let identity_hash = identity_hash(&key).unwrap_or_default();
        PublicKeyPem { key, identity_hash, table: Arc::default(), wide: Arc::default() }
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
    fn the_table_verification_agrees_with_the_sm2_crate() {
        use sm2::dsa::signature::Verifier;
        for seed in 1..=4u8 {
            let key = test_key(seed);
            let public = PublicKeyPem::parse(&key.public_key().to_pem()).unwrap();
            for index in 0..24u32 {
                let message = format!("record {index} by key {seed}").into_bytes();
                let der = key.sign(&message);
                let signature = Signature::from_der(&der).unwrap();
                let mut altered = message.clone();
                altered[0] ^= 1;
                let foreign = Signature::from_der(&test_key(seed + 1).sign(&message)).unwrap();
                for (bytes, signature, expected) in
                    [(&message, &signature, true), (&altered, &signature, false), (&message, &foreign, false)]
                {
                    let by_crate = public.key.verify(bytes, signature).is_ok();
                    assert_eq!(by_crate, expected);
                    assert_eq!(public.fast_verify(bytes, signature), by_crate, "key {seed}, message {index}");
                }
            }
        }
    }

    #[test]
    fn a_batch_gives_the_answers_of_one_by_one_verification() {
        let keys: Vec<PrivateKey> = (1..=3u8).map(test_key).collect();
        let publics: Vec<PublicKeyPem> = keys.iter().map(PrivateKey::public_key).collect();
        let mut cases: Vec<(usize, Vec<u8>, Vec<u8>)> = Vec::new();
        for index in 0..30usize {
            let signer = index % 3;
            let message = format!("record {index}").into_bytes();
            let mut signature = keys[signer].sign(&message);
            let key = match index % 5 {
                0 => (signer + 1) % 3, // another reviewer's key
                _ => signer,
            };
            let mut message = message;
            match index % 7 {
                1 => message[0] ^= 1,                     // altered record
                2 => *signature.last_mut().unwrap() ^= 1, // altered signature
                3 => signature.truncate(3),               // not DER
                _ => {}
            }
            cases.push((key, message, signature));
        }
        let items: Vec<SignedMessage<'_>> = cases
            .iter()
            .map(|(key, message, signature)| SignedMessage { key: &publics[*key], message, signature_der: signature })
            .collect();
        let one_by_one: Vec<bool> =
            items.iter().map(|item| item.key.verify(item.message, item.signature_der)).collect();
        assert!(one_by_one.iter().any(|&holds| holds) && one_by_one.iter().any(|&holds| !holds));
        assert_eq!(verify_batch(&items), one_by_one);
        assert_eq!(verify_batch(&[]), Vec::<bool>::new());
    }

    #[test]
    fn wide_digits_add_up_to_the_scalar() {
        let from_digit = |digit: i16| {
            let magnitude = Scalar::from(u64::from(digit.unsigned_abs()));
            if digit < 0 {
                -magnitude
            } else {
                magnitude
            }
        };
        let mut edge = [0u8; 32];
        edge.iter_mut().enumerate().for_each(|(index, byte)| *byte = [0x80, 0x81, 0xff, 0x7f][index % 4]);
        let scalars = [
            Scalar::ONE,
            -Scalar::ONE, // n - 1: every byte large, the carry runs through all 32 digits
            Scalar::from(128u64),
            Scalar::from(129u64),
            Scalar::from_repr(edge.into()).unwrap(),
            Scalar::from_repr([0xffu8; 32].into()).unwrap_or(Scalar::ONE),
        ];
        for k in scalars {
            let digits = WideTable::digits(&k);
            assert!(digits.iter().all(|digit| (-127..=128).contains(digit)), "{digits:?}");
            let mut power = Scalar::ONE;
            let mut sum = Scalar::ZERO;
            for digit in digits {
                sum += from_digit(digit) * power;
                power *= Scalar::from(256u64);
            }
            assert_eq!(sum, k);
        }
    }

    #[test]
    fn the_wide_tables_give_the_answers_of_the_narrow_ones() {
        // One key with enough signatures in the batch for its wide table, one without: both paths at once.
        let (many, few) = (test_key(5), test_key(6));
        let (many_public, few_public) = (many.public_key(), few.public_key());
        let mut cases: Vec<(&PublicKeyPem, Vec<u8>, Vec<u8>)> = Vec::new();
        for index in 0..(WIDE_TABLE_MIN_SIGNATURES + 6) {
            let message = format!("record {index}").into_bytes();
            let mut signature = many.sign(&message);
            let mut signed = message.clone();
            match index % 9 {
                1 => signed[0] ^= 1,
                2 => *signature.last_mut().unwrap() ^= 1,
                3 => signature = few.sign(&message), // another reviewer's signature
                _ => {}
            }
            cases.push((&many_public, signed, signature));
        }
        for index in 0..5 {
            let message = format!("few {index}").into_bytes();
            let signature = if index == 2 { many.sign(&message) } else { few.sign(&message) };
            cases.push((&few_public, message, signature));
        }
        let items: Vec<SignedMessage<'_>> = cases
            .iter()
            .map(|(key, message, signature)| SignedMessage { key, message, signature_der: signature })
            .collect();
        let one_by_one: Vec<bool> =
            items.iter().map(|item| item.key.verify(item.message, item.signature_der)).collect();
        assert_eq!(one_by_one.iter().filter(|&&holds| !holds).count(), 24 + 1);
        assert_eq!(verify_batch(&items), one_by_one);
        assert!(many_public.wide.get().is_some() && few_public.wide.get().is_none());
        // The wide table built, a later small batch of that key walks it too, with the same answers.
        assert_eq!(verify_batch(&items[..3]), one_by_one[..3]);
    }

    #[test]
    fn fingerprints_are_sm3_of_the_der_public_key() {
        let public = test_key(1).public_key();
        assert_eq!(public.fingerprint(), sm3_hex(&public.to_der()));
        assert_eq!(public.to_der().len(), 91, "SPKI of an SM2 point");
        assert_ne!(public.fingerprint(), test_key(2).public_key().fingerprint());
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
