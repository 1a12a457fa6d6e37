//! The QR size of what agencies really print: licences issued by the service
//! (did:web issuer, revocation and suspension status entries, an
//! eddsa-rdfc-2022 proof) for every licence type of the catalogue, with
//! realistic and varied Thai names and addresses, long ones included.
//!
//! Each licence goes through the real issuance path (`POST /licences`), is
//! encoded as an elicence QR payload, decoded back byte for byte, and must fit
//! QR version 20 at level Q and version 17 at level M (docs/qr-format.md).

mod common;

use std::collections::HashMap;
use std::path::PathBuf;

use common::*;
use elicence_core::keys::KeyAlgorithm;
use elicence_core::proof;
use elicence_core::qr::{self, Secured};
use elicence_issuer::admin::{self, NewAgency, Scope};
use elicence_issuer::crypto::MasterKey;
use elicence_issuer::{store, Config};
use elicence_qr_image::{qr_version, EcLevel};
use serde_json::{json, Value};

/// The printed-licence bounds of docs/qr-format.md.
const MAX_VERSION_Q: u16 = 20;
const MAX_VERSION_M: u16 = 17;

/// The public URL of the issuing service under test.
const SERVICE_ORIGIN: &str = "https://elicence.dga.go.th";

/// Ordinary licences per catalogue type, besides one with every field at its longest.
const ORDINARY_PER_TYPE: usize = 8;

// ---------------------------------------------------------------------------
// Deterministic generation.

/// SplitMix64: a fixed seed gives the same licences on every run and machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }
}

/// A place: subdistrict, district, province (Thai, English), postcode, a
/// slug for agency codes, and the local government of the place.
struct Place {
    sub: (&'static str, &'static str),
    district: (&'static str, &'static str),
    province: (&'static str, &'static str),
    postcode: &'static str,
    slug: &'static str,
    local: (&'static str, &'static str),
}

const BANGKOK: (&str, &str) = ("กรุงเทพมหานคร", "Bangkok");

macro_rules! place {
    ($sub:expr, $sub_en:expr, $d:expr, $d_en:expr, $p:expr, $postcode:expr, $slug:expr, $local:expr, $local_en:expr) => {
        Place {
            sub: ($sub, $sub_en),
            district: ($d, $d_en),
            province: $p,
            postcode: $postcode,
            slug: $slug,
            local: ($local, $local_en),
        }
    };
}

/// Real subdistricts across the regions (none of them in the QR dictionary).
const PLACES: &[Place] = &[
    place!(
        "สุริยวงศ์",
        "Suriyawong",
        "บางรัก",
        "Bang Rak",
        BANGKOK,
        "10500",
        "bangrak",
        "สำนักงานเขตบางรัก กรุงเทพมหานคร",
        "Bang Rak District Office, Bangkok"
    ),
    place!(
        "สีลม",
        "Silom",
        "บางรัก",
        "Bang Rak",
        BANGKOK,
        "10500",
        "bangrak",
        "สำนักงานเขตบางรัก กรุงเทพมหานคร",
        "Bang Rak District Office, Bangkok"
    ),
    place!(
        "คลองเตยเหนือ",
        "Khlong Toei Nuea",
        "วัฒนา",
        "Watthana",
        BANGKOK,
        "10110",
        "watthana",
        "สำนักงานเขตวัฒนา กรุงเทพมหานคร",
        "Watthana District Office, Bangkok"
    ),
    place!(
        "คลองตันเหนือ",
        "Khlong Tan Nuea",
        "วัฒนา",
        "Watthana",
        BANGKOK,
        "10110",
        "watthana",
        "สำนักงานเขตวัฒนา กรุงเทพมหานคร",
        "Watthana District Office, Bangkok"
    ),
    place!(
        "ทุ่งมหาเมฆ",
        "Thung Maha Mek",
        "สาทร",
        "Sathon",
        BANGKOK,
        "10120",
        "sathon",
        "สำนักงานเขตสาทร กรุงเทพมหานคร",
        "Sathon District Office, Bangkok"
    ),
    place!(
        "ลุมพินี",
        "Lumphini",
        "ปทุมวัน",
        "Pathum Wan",
        BANGKOK,
        "10330",
        "pathumwan",
        "สำนักงานเขตปทุมวัน กรุงเทพมหานคร",
        "Pathum Wan District Office, Bangkok"
    ),
    place!(
        "จอมพล",
        "Chom Phon",
        "จตุจักร",
        "Chatuchak",
        BANGKOK,
        "10900",
        "chatuchak",
        "สำนักงานเขตจตุจักร กรุงเทพมหานคร",
        "Chatuchak District Office, Bangkok"
    ),
    place!(
        "บางนาใต้",
        "Bang Na Tai",
        "บางนา",
        "Bang Na",
        BANGKOK,
        "10260",
        "bangna",
        "สำนักงานเขตบางนา กรุงเทพมหานคร",
        "Bang Na District Office, Bangkok"
    ),
    place!(
        "หัวหมาก",
        "Hua Mak",
        "บางกะปิ",
        "Bang Kapi",
        BANGKOK,
        "10240",
        "bangkapi",
        "สำนักงานเขตบางกะปิ กรุงเทพมหานคร",
        "Bang Kapi District Office, Bangkok"
    ),
    place!(
        "แสมดำ",
        "Samae Dam",
        "บางขุนเทียน",
        "Bang Khun Thian",
        BANGKOK,
        "10150",
        "bangkhunthian",
        "สำนักงานเขตบางขุนเทียน กรุงเทพมหานคร",
        "Bang Khun Thian District Office, Bangkok"
    ),
    place!(
        "คลองหนึ่ง",
        "Khlong Nueng",
        "คลองหลวง",
        "Khlong Luang",
        ("ปทุมธานี", "Pathum Thani"),
        "12120",
        "khlongnueng",
        "องค์การบริหารส่วนตำบลคลองหนึ่ง",
        "Khlong Nueng Subdistrict Administrative Organization"
    ),
    place!(
        "บางพลีใหญ่",
        "Bang Phli Yai",
        "บางพลี",
        "Bang Phli",
        ("สมุทรปราการ", "Samut Prakan"),
        "10540",
        "bangphliyai",
        "องค์การบริหารส่วนตำบลบางพลีใหญ่",
        "Bang Phli Yai Subdistrict Administrative Organization"
    ),
    place!(
        "บางปูใหม่",
        "Bang Pu Mai",
        "เมืองสมุทรปราการ",
        "Mueang Samut Prakan",
        ("สมุทรปราการ", "Samut Prakan"),
        "10280",
        "bangpumai",
        "เทศบาลตำบลบางปู",
        "Bang Pu Subdistrict Municipality"
    ),
    place!(
        "ศรีภูมิ",
        "Si Phum",
        "เมืองเชียงใหม่",
        "Mueang Chiang Mai",
        ("เชียงใหม่", "Chiang Mai"),
        "50200",
        "chiangmai",
        "เทศบาลนครเชียงใหม่",
        "Chiang Mai City Municipality"
    ),
    place!(
        "สุเทพ",
        "Suthep",
        "เมืองเชียงใหม่",
        "Mueang Chiang Mai",
        ("เชียงใหม่", "Chiang Mai"),
        "50200",
        "chiangmai",
        "เทศบาลนครเชียงใหม่",
        "Chiang Mai City Municipality"
    ),
    place!(
        "ช้างคลาน",
        "Chang Khlan",
        "เมืองเชียงใหม่",
        "Mueang Chiang Mai",
        ("เชียงใหม่", "Chiang Mai"),
        "50100",
        "chiangmai",
        "เทศบาลนครเชียงใหม่",
        "Chiang Mai City Municipality"
    ),
    place!(
        "ในเมือง",
        "Nai Mueang",
        "เมืองนครราชสีมา",
        "Mueang Nakhon Ratchasima",
        ("นครราชสีมา", "Nakhon Ratchasima"),
        "30000",
        "korat",
        "เทศบาลนครนครราชสีมา",
        "Nakhon Ratchasima City Municipality"
    ),
    place!(
        "หนองไผ่ล้อม",
        "Nong Phai Lom",
        "เมืองนครราชสีมา",
        "Mueang Nakhon Ratchasima",
        ("นครราชสีมา", "Nakhon Ratchasima"),
        "30000",
        "korat",
        "เทศบาลนครนครราชสีมา",
        "Nakhon Ratchasima City Municipality"
    ),
    place!(
        "ในเมือง",
        "Nai Mueang",
        "เมืองขอนแก่น",
        "Mueang Khon Kaen",
        ("ขอนแก่น", "Khon Kaen"),
        "40000",
        "khonkaen",
        "เทศบาลนครขอนแก่น",
        "Khon Kaen City Municipality"
    ),
    place!(
        "หาดใหญ่",
        "Hat Yai",
        "หาดใหญ่",
        "Hat Yai",
        ("สงขลา", "Songkhla"),
        "90110",
        "hatyai",
        "เทศบาลนครหาดใหญ่",
        "Hat Yai City Municipality"
    ),
    place!(
        "ป่าตอง",
        "Patong",
        "กะทู้",
        "Kathu",
        ("ภูเก็ต", "Phuket"),
        "83150",
        "patong",
        "เทศบาลเมืองป่าตอง",
        "Patong Town Municipality"
    ),
    place!(
        "ตลาดใหญ่",
        "Talat Yai",
        "เมืองภูเก็ต",
        "Mueang Phuket",
        ("ภูเก็ต", "Phuket"),
        "83000",
        "phuket",
        "เทศบาลนครภูเก็ต",
        "Phuket City Municipality"
    ),
    place!(
        "หนองปรือ",
        "Nong Prue",
        "บางละมุง",
        "Bang Lamung",
        ("ชลบุรี", "Chon Buri"),
        "20150",
        "pattaya",
        "เมืองพัทยา",
        "Pattaya City"
    ),
    place!(
        "บ้านบึง",
        "Ban Bueng",
        "บ้านบึง",
        "Ban Bueng",
        ("ชลบุรี", "Chon Buri"),
        "20170",
        "banbueng",
        "เทศบาลเมืองบ้านบึง",
        "Ban Bueng Town Municipality"
    ),
    place!(
        "มาบตาพุด",
        "Map Ta Phut",
        "เมืองระยอง",
        "Mueang Rayong",
        ("ระยอง", "Rayong"),
        "21150",
        "maptaphut",
        "เทศบาลเมืองมาบตาพุด",
        "Map Ta Phut Town Municipality"
    ),
    place!(
        "ปลวกแดง",
        "Pluak Daeng",
        "ปลวกแดง",
        "Pluak Daeng",
        ("ระยอง", "Rayong"),
        "21140",
        "pluakdaeng",
        "องค์การบริหารส่วนตำบลปลวกแดง",
        "Pluak Daeng Subdistrict Administrative Organization"
    ),
    place!(
        "คลองสวนพลู",
        "Khlong Suan Phlu",
        "พระนครศรีอยุธยา",
        "Phra Nakhon Si Ayutthaya",
        ("พระนครศรีอยุธยา", "Phra Nakhon Si Ayutthaya"),
        "13000",
        "ayutthaya",
        "เทศบาลนครพระนครศรีอยุธยา",
        "Phra Nakhon Si Ayutthaya City Municipality"
    ),
    place!(
        "ตลาดขวัญ",
        "Talat Khwan",
        "เมืองนนทบุรี",
        "Mueang Nonthaburi",
        ("นนทบุรี", "Nonthaburi"),
        "11000",
        "nonthaburi",
        "เทศบาลนครนนทบุรี",
        "Nonthaburi City Municipality"
    ),
    place!(
        "ปากเกร็ด",
        "Pak Kret",
        "ปากเกร็ด",
        "Pak Kret",
        ("นนทบุรี", "Nonthaburi"),
        "11120",
        "pakkret",
        "เทศบาลนครปากเกร็ด",
        "Pak Kret City Municipality"
    ),
    place!(
        "อ้อมน้อย",
        "Om Noi",
        "กระทุ่มแบน",
        "Krathum Baen",
        ("สมุทรสาคร", "Samut Sakhon"),
        "74130",
        "omnoi",
        "เทศบาลนครอ้อมน้อย",
        "Om Noi City Municipality"
    ),
    place!(
        "มหาชัย",
        "Mahachai",
        "เมืองสมุทรสาคร",
        "Mueang Samut Sakhon",
        ("สมุทรสาคร", "Samut Sakhon"),
        "74000",
        "samutsakhon",
        "เทศบาลนครสมุทรสาคร",
        "Samut Sakhon City Municipality"
    ),
    place!(
        "หมากแข้ง",
        "Mak Khaeng",
        "เมืองอุดรธานี",
        "Mueang Udon Thani",
        ("อุดรธานี", "Udon Thani"),
        "41000",
        "udonthani",
        "เทศบาลนครอุดรธานี",
        "Udon Thani City Municipality"
    ),
    place!(
        "ในเมือง",
        "Nai Mueang",
        "เมืองอุบลราชธานี",
        "Mueang Ubon Ratchathani",
        ("อุบลราชธานี", "Ubon Ratchathani"),
        "34000",
        "ubon",
        "เทศบาลนครอุบลราชธานี",
        "Ubon Ratchathani City Municipality"
    ),
    place!(
        "ตลาด",
        "Talat",
        "เมืองสุราษฎร์ธานี",
        "Mueang Surat Thani",
        ("สุราษฎร์ธานี", "Surat Thani"),
        "84000",
        "suratthani",
        "เทศบาลนครสุราษฎร์ธานี",
        "Surat Thani City Municipality"
    ),
    place!(
        "บ่อผุด",
        "Bo Phut",
        "เกาะสมุย",
        "Ko Samui",
        ("สุราษฎร์ธานี", "Surat Thani"),
        "84320",
        "samui",
        "เทศบาลนครเกาะสมุย",
        "Ko Samui City Municipality"
    ),
    place!(
        "อ่าวนาง",
        "Ao Nang",
        "เมืองกระบี่",
        "Mueang Krabi",
        ("กระบี่", "Krabi"),
        "81180",
        "aonang",
        "องค์การบริหารส่วนตำบลอ่าวนาง",
        "Ao Nang Subdistrict Administrative Organization"
    ),
    place!(
        "เวียง",
        "Wiang",
        "เมืองเชียงราย",
        "Mueang Chiang Rai",
        ("เชียงราย", "Chiang Rai"),
        "57000",
        "chiangrai",
        "เทศบาลนครเชียงราย",
        "Chiang Rai City Municipality"
    ),
    place!(
        "หัวหิน",
        "Hua Hin",
        "หัวหิน",
        "Hua Hin",
        ("ประจวบคีรีขันธ์", "Prachuap Khiri Khan"),
        "77110",
        "huahin",
        "เทศบาลเมืองหัวหิน",
        "Hua Hin Town Municipality"
    ),
    place!(
        "บางเสาธง",
        "Bang Sao Thong",
        "บางเสาธง",
        "Bang Sao Thong",
        ("สมุทรปราการ", "Samut Prakan"),
        "10570",
        "bangsaothong",
        "เทศบาลตำบลบางเสาธง",
        "Bang Sao Thong Subdistrict Municipality"
    ),
    place!(
        "ในเมือง",
        "Nai Mueang",
        "เมืองพิษณุโลก",
        "Mueang Phitsanulok",
        ("พิษณุโลก", "Phitsanulok"),
        "65000",
        "phitsanulok",
        "เทศบาลนครพิษณุโลก",
        "Phitsanulok City Municipality"
    ),
    place!(
        "หน้าเมือง",
        "Na Mueang",
        "เมืองฉะเชิงเทรา",
        "Mueang Chachoengsao",
        ("ฉะเชิงเทรา", "Chachoengsao"),
        "24000",
        "chachoengsao",
        "เทศบาลเมืองฉะเชิงเทรา",
        "Chachoengsao Town Municipality"
    ),
    place!(
        "บางวัว",
        "Bang Wua",
        "บางปะกง",
        "Bang Pakong",
        ("ฉะเชิงเทรา", "Chachoengsao"),
        "24180",
        "bangwua",
        "องค์การบริหารส่วนตำบลบางวัว",
        "Bang Wua Subdistrict Administrative Organization"
    ),
    place!(
        "แม่สอด",
        "Mae Sot",
        "แม่สอด",
        "Mae Sot",
        ("ตาก", "Tak"),
        "63110",
        "maesot",
        "เทศบาลนครแม่สอด",
        "Mae Sot City Municipality"
    ),
    place!(
        "ตาคลี",
        "Takhli",
        "ตาคลี",
        "Takhli",
        ("นครสวรรค์", "Nakhon Sawan"),
        "60140",
        "takhli",
        "เทศบาลเมืองตาคลี",
        "Takhli Town Municipality"
    ),
];

/// Provincial agency codes (`pio-…`) by province.
fn province_slug(province_en: &str) -> String {
    province_en
        .to_ascii_lowercase()
        .chars()
        .filter(char::is_ascii_alphabetic)
        .take(20)
        .collect()
}

const ROADS: &[(&str, &str)] = &[
    ("พหลโยธิน", "Phahonyothin"),
    ("สุขุมวิท", "Sukhumvit"),
    ("เพชรเกษม", "Phet Kasem"),
    ("มิตรภาพ", "Mittraphap"),
    ("รามคำแหง", "Ramkhamhaeng"),
    ("ลาดพร้าว", "Lat Phrao"),
    ("สีลม", "Silom"),
    ("สาทรใต้", "South Sathon"),
    ("บางนา-ตราด", "Bang Na-Trat"),
    ("พระรามที่ 2", "Rama II"),
    ("พระรามที่ 9", "Rama IX"),
    ("เจริญกรุง", "Charoen Krung"),
    ("นิมมานเหมินท์", "Nimmanhaemin"),
    ("ห้วยแก้ว", "Huai Kaeo"),
    ("กาญจนวณิชย์", "Kanchanawanit"),
    ("เทพกษัตรี", "Thep Krasattri"),
    ("สุรวงศ์", "Surawong"),
    ("วิภาวดีรังสิต", "Vibhavadi Rangsit"),
    ("แจ้งวัฒนะ", "Chaeng Watthana"),
    ("รัตนาธิเบศร์", "Rattanathibet"),
    ("สุขุมวิทสายเก่า", "Old Sukhumvit"),
    ("เลียบชายหาด", "Beach"),
    ("ทวีวงศ์", "Thawewong"),
    ("ศรีจันทร์", "Si Chan"),
];

const SOIS: &[(&str, &str)] = &[
    ("สุขุมวิท 21 (อโศก)", "Sukhumvit 21 (Asok)"),
    ("ลาดพร้าว 101", "Lat Phrao 101"),
    ("รามคำแหง 24", "Ramkhamhaeng 24"),
    ("วัดไผ่เงิน", "Wat Phai Ngoen"),
    ("เทศบาล 3", "Thetsaban 3"),
    ("ร่วมมิตร", "Ruam Mit"),
    ("บางนา-ตราด 25", "Bang Na-Trat 25"),
    ("พหลโยธิน 48", "Phahonyothin 48"),
    ("ศูนย์วิจัย", "Sun Wichai"),
    ("แยกมิตรภาพ 5", "Yaek Mittraphap 5"),
];

const BUILDINGS: &[(&str, &str)] = &[
    ("สาทรซิตี้ทาวเวอร์", "Sathorn City Tower"),
    ("เอ็มไพร์ทาวเวอร์", "Empire Tower"),
    ("จามจุรีสแควร์", "Chamchuri Square"),
    ("ซีพีทาวเวอร์", "CP Tower"),
    ("อื้อจือเหลียง", "Ue Chu Liang"),
    ("ยูนิลีเวอร์เฮ้าส์", "Unilever House"),
    ("ไทยซัมมิททาวเวอร์", "Thai Summit Tower"),
];

const ESTATES: &[(&str, &str)] = &[
    (
        "นิคมอุตสาหกรรมอมตะซิตี้ชลบุรี",
        "Amata City Chonburi Industrial Estate",
    ),
    ("นิคมอุตสาหกรรมบางปู", "Bangpoo Industrial Estate"),
    ("นิคมอุตสาหกรรมนวนคร", "Nava Nakorn Industrial Estate"),
    ("นิคมอุตสาหกรรมมาบตาพุด", "Map Ta Phut Industrial Estate"),
    ("นิคมอุตสาหกรรมโรจนะ", "Rojana Industrial Park"),
];

/// Thai word parts of company names, with their usual romanisation.
const NAME_ROOTS: &[(&str, &str)] = &[
    ("สยาม", "Siam"),
    ("ไทย", "Thai"),
    ("รุ่งเรือง", "Rungruang"),
    ("เจริญ", "Charoen"),
    ("พัฒนา", "Phatthana"),
    ("ทรัพย์", "Sap"),
    ("มั่นคง", "Mankhong"),
    ("สมบูรณ์", "Sombun"),
    ("กิจ", "Kit"),
    ("ยนต์", "Yon"),
    ("ศรี", "Si"),
    ("ทอง", "Thong"),
    ("มงคล", "Mongkhon"),
    ("ชัย", "Chai"),
    ("วัฒนา", "Watthana"),
    ("ธนา", "Thana"),
    ("แสงทอง", "Saengthong"),
    ("รัตนา", "Rattana"),
    ("เกษตร", "Kaset"),
    ("สุวรรณ", "Suwan"),
    ("ประเสริฐ", "Prasoet"),
    ("อุดม", "Udom"),
    ("นครชัย", "Nakhonchai"),
    ("บูรพา", "Burapha"),
    ("ล้านนา", "Lanna"),
    ("อันดามัน", "Andaman"),
    ("อีสาน", "Isan"),
    ("ครัว", "Khrua"),
    ("บ้านสวน", "Ban Suan"),
    ("เพิ่มพูน", "Phoemphun"),
];

/// Transliterated English words common in Thai company names.
const NAME_WORDS: &[(&str, &str)] = &[
    ("ฟู้ด", "Food"),
    ("โปรดักส์", "Products"),
    ("อินเตอร์เนชั่นแนล", "International"),
    ("เทรดดิ้ง", "Trading"),
    ("เอ็นจิเนียริ่ง", "Engineering"),
    ("แมนูแฟคเจอริ่ง", "Manufacturing"),
    ("ซัพพลาย", "Supply"),
    ("โลจิสติกส์", "Logistics"),
    ("คอร์ปอเรชั่น", "Corporation"),
    ("กรุ๊ป", "Group"),
    ("โฮลดิ้งส์", "Holdings"),
    ("เซอร์วิส", "Service"),
    ("เมดิคอล", "Medical"),
    ("ฟาร์มา", "Pharma"),
    ("ออโต้พาร์ท", "Auto Parts"),
    ("สตีล", "Steel"),
    ("แพ็คเกจจิ้ง", "Packaging"),
    ("คอสเมติกส์", "Cosmetics"),
    ("รีสอร์ท", "Resort"),
    ("ทราเวล", "Travel"),
    ("เทคโนโลยี", "Technology"),
    ("เอ็นเนอร์ยี", "Energy"),
    ("เคมีคอล", "Chemical"),
    ("ดีเวลลอปเม้นท์", "Development"),
    ("ฟาร์ม", "Farm"),
    ("มาร์เก็ตติ้ง", "Marketing"),
    ("เทเลคอม", "Telecom"),
    ("เฮลท์แคร์", "Healthcare"),
];

/// Activities and conditions a licence of each catalogue type carries, and
/// how its numbers look (`#` is replaced by digits).
struct TypeText {
    code: &'static str,
    activities: &'static [&'static str],
    conditions: &'static [&'static str],
    number: &'static [&'static str],
}

const GENERAL_CONDITIONS: &[&str] = &[
    "ต้องแสดงใบอนุญาตไว้ในที่เปิดเผยเห็นได้ง่าย ณ สถานที่ประกอบกิจการ",
    "ต้องปฏิบัติตามข้อบัญญัติท้องถิ่นและคำสั่งของเจ้าพนักงานท้องถิ่น",
    "ต้องแจ้งการเปลี่ยนแปลงผู้ดำเนินกิจการภายใน 15 วัน",
];

const TYPE_TEXTS: &[TypeText] = &[
    TypeText {
        code: "factory-op",
        activities: &[
            "ผลิตอาหารสัตว์สำเร็จรูป (ลำดับที่ 13(1))",
            "ผลิตชิ้นส่วนยานยนต์ทำจากโลหะ (ลำดับที่ 59)",
            "ผลิตภาชนะบรรจุภัณฑ์พลาสติก (ลำดับที่ 53(5))",
            "ผลิตน้ำดื่มบรรจุขวด (ลำดับที่ 20(1))",
            "แปรรูปผลิตผลทางการเกษตร ห้องเย็น (ลำดับที่ 9(3))",
        ],
        conditions: &[
            "ต้องจัดให้มีระบบบำบัดน้ำเสียที่มีประสิทธิภาพตามมาตรฐานที่กรมโรงงานอุตสาหกรรมกำหนด",
            "ต้องรายงานผลการตรวจวัดคุณภาพอากาศจากปล่องทุก 6 เดือน",
            "ห้ามระบายน้ำทิ้งออกนอกบริเวณโรงงาน",
            "เครื่องจักรรวม 480 แรงม้า คนงาน 85 คน",
        ],
        number: &["3-##(1)-##/##สป", "10##00###25##", "จ3-##-##/##ชบ"],
    },
    TypeText {
        code: "factory-expand",
        activities: &[
            "ขยายโรงงานผลิตเครื่องดื่มโดยเพิ่มเครื่องจักร 250 แรงม้า",
            "ขยายโรงงานผลิตชิ้นส่วนอิเล็กทรอนิกส์ เพิ่มพื้นที่อาคาร 1,200 ตารางเมตร",
        ],
        conditions: &[
            "ต้องจัดทำรายงานการประเมินผลกระทบสิ่งแวดล้อมก่อนเริ่มประกอบกิจการส่วนที่ขยาย",
            "ต้องติดตั้งระบบดักฝุ่นละอองตามแบบที่ได้รับอนุญาต",
        ],
        number: &["ข.3-##(2)-##/##", "ขย. ##/25##"],
    },
    TypeText {
        code: "food-production",
        activities: &[
            "ผลิตน้ำพริกแกงและเครื่องปรุงรส",
            "ผลิตเครื่องดื่มในภาชนะบรรจุที่ปิดสนิท",
            "ผลิตขนมอบ ประเภทเบเกอรี่",
            "ผลิตอาหารกึ่งสำเร็จรูป",
        ],
        conditions: &["ต้องผลิตตามหลักเกณฑ์วิธีการที่ดีในการผลิตอาหาร (GMP)"],
        number: &["##-1-#####-2-####", "อ.2 ##/25##"],
    },
    TypeText {
        code: "food-import",
        activities: &[
            "นำเข้าผลิตภัณฑ์เสริมอาหาร",
            "นำเข้าอาหารทะเลแช่เยือกแข็ง",
            "นำเข้าเครื่องดื่มผสมวิตามิน",
        ],
        conditions: &["ต้องเก็บรักษาอาหารที่นำเข้าในสถานที่ที่ได้รับอนุญาตเท่านั้น"],
        number: &["อ.7 ##-2-#####", "##-2-#####-6-####"],
    },
    TypeText {
        code: "drug-retail",
        activities: &["ขายยาแผนปัจจุบัน", "ขายยาอันตรายและยาควบคุมพิเศษตามใบสั่งแพทย์"],
        conditions: &[
            "ต้องจัดให้มีเภสัชกรปฏิบัติหน้าที่ประจำตลอดเวลาทำการ",
            "เวลาทำการ 08.00 - 20.00 น.",
        ],
        number: &["ข.ย.1 ##/25##", "กท ###/25##"],
    },
    TypeText {
        code: "hotel",
        activities: &[
            "ประกอบธุรกิจโรงแรมประเภท 2 จำนวน 48 ห้อง",
            "ประกอบธุรกิจโรงแรมประเภท 4 จำนวน 312 ห้อง พร้อมห้องประชุมและภัตตาคาร",
        ],
        conditions: &["ต้องจัดให้มีระบบป้องกันอัคคีภัยตามกฎกระทรวง"],
        number: &["##/25##", "รร. ###/25##"],
    },
    TypeText {
        code: "tourism-business",
        activities: &[
            "ประกอบธุรกิจนำเที่ยวประเภทต่างประเทศ (Inbound)",
            "ประกอบธุรกิจนำเที่ยวประเภทในประเทศ",
        ],
        conditions: &["ต้องวางหลักประกันการประกอบธุรกิจนำเที่ยวตามที่กฎหมายกำหนด"],
        number: &["11/#####", "14/#####", "31/#####"],
    },
    TypeText {
        code: "service-establishment",
        activities: &[
            "สถานบริการประเภทสถานที่เต้นรำ รำวง รองเง็ง หรือดิสโก้เธค",
            "สถานบริการประเภทสถานอาบน้ำ นวด หรืออบตัว",
        ],
        conditions: &[
            "เปิดบริการได้ระหว่างเวลา 21.00 - 02.00 น.",
            "ห้ามรับบุคคลอายุต่ำกว่า 20 ปีเข้าไปในสถานบริการ",
            "ห้ามจำหน่ายสุราให้แก่ผู้ที่มีอาการมึนเมาจนครองสติไม่ได้",
        ],
        number: &["##/25##", "สบ. ##/25##"],
    },
    TypeText {
        code: "liquor-sale",
        activities: &[
            "ขายสุราทุกชนิด ครั้งละไม่ต่ำกว่า 10 ลิตร (ประเภทที่ 1)",
            "ขายสุราทุกชนิด ครั้งละไม่เกิน 10 ลิตร (ประเภทที่ 2)",
        ],
        conditions: &[],
        number: &["##/25##", "ส.##-####/25##"],
    },
    TypeText {
        code: "tobacco-sale",
        activities: &[
            "ขายยาสูบ ครั้งละไม่ต่ำกว่า 200 ซอง (ประเภทที่ 2)",
            "ขายยาสูบ (ประเภทที่ 3)",
        ],
        conditions: &[],
        number: &["##/25##", "ยส.###/25##"],
    },
    TypeText {
        code: "company-registration",
        activities: &[
            "ประกอบกิจการซื้อขายวัสดุก่อสร้าง",
            "ให้บริการที่ปรึกษาด้านซอฟต์แวร์และระบบสารสนเทศ",
            "ผลิตและจำหน่ายเฟอร์นิเจอร์ไม้",
        ],
        conditions: &[],
        number: &["0###5##0#####", "บอจ.5 ###/25##"],
    },
    TypeText {
        code: "foreign-business",
        activities: &[
            "ให้บริการด้านวิศวกรรมและการบริหารโครงการแก่บริษัทในเครือ",
            "ให้บริการกู้ยืมเงินแก่บริษัทในเครือ",
        ],
        conditions: &[
            "ต้องมีทุนขั้นต่ำไม่น้อยกว่า 3 ล้านบาท",
            "ต้องจ้างงานบุคคลสัญชาติไทยไม่น้อยกว่า 5 คน",
        ],
        number: &["ต.###/25##", "ต.ธ.##/25##"],
    },
    TypeText {
        code: "commercial-registration",
        activities: &[
            "ขายปลีกเสื้อผ้าสำเร็จรูป",
            "ร้านอาหารและเครื่องดื่ม",
            "ขายส่งวัสดุก่อสร้างและเครื่องมือช่าง",
        ],
        conditions: &[],
        number: &["###########-###", "ทพ.##/25##"],
    },
    TypeText {
        code: "food-sale",
        activities: &[
            "จำหน่ายอาหารและเครื่องดื่ม",
            "ประกอบอาหารเพื่อจำหน่าย",
            "จำหน่ายอาหารปรุงสำเร็จ พื้นที่ 120 ตารางเมตร",
        ],
        conditions: &["ต้องรักษาความสะอาดของสถานที่ตามกฎกระทรวง"],
        number: &["สน.#/25##", "##/25##"],
    },
    TypeText {
        code: "food-storage",
        activities: &[
            "สะสมอาหารแห้งเพื่อจำหน่าย",
            "เก็บรักษาอาหารแช่เยือกแข็ง พื้นที่ 500 ตารางเมตร",
        ],
        conditions: &["ต้องควบคุมอุณหภูมิห้องเย็นไม่ให้สูงกว่า -18 องศาเซลเซียส"],
        number: &["สอ.##/25##", "##/25##"],
    },
    TypeText {
        code: "health-hazard-business",
        activities: &[
            "การผลิตน้ำแข็ง",
            "การล้างรถยนต์ด้วยเครื่องจักร",
            "กิจการสปาเพื่อสุขภาพ",
            "การประกอบกิจการห้องเย็น",
        ],
        conditions: &[
            "ต้องควบคุมระดับเสียงไม่ให้เกินมาตรฐานที่กฎหมายกำหนด",
            "ต้องจัดให้มีที่รองรับขยะมูลฝอยที่ถูกสุขลักษณะ",
            "ห้ามประกอบกิจการระหว่างเวลา 22.00 - 06.00 น.",
        ],
        number: &["อภ.##/25##", "###/25##"],
    },
    TypeText {
        code: "signboard",
        activities: &[
            "ติดตั้งป้ายโฆษณาบนหลังคาอาคาร ขนาด 6 x 12 เมตร",
            "ติดตั้งป้ายชื่อสถานประกอบการ ขนาด 2 x 8 เมตร",
        ],
        conditions: &[],
        number: &["ป.##/25##", "##/25##"],
    },
    TypeText {
        code: "building-construction",
        activities: &[
            "ก่อสร้างอาคารพาณิชย์ ค.ส.ล. 4 ชั้น จำนวน 3 คูหา",
            "ก่อสร้างโรงงาน ค.ส.ล. 1 ชั้น พื้นที่ 2,400 ตารางเมตร",
        ],
        conditions: &[
            "ต้องก่อสร้างให้แล้วเสร็จภายใน 1 ปีนับแต่วันที่ได้รับใบอนุญาต",
            "ต้องจัดให้มีผู้ควบคุมงานตามที่ได้แจ้งไว้",
        ],
        number: &["อ.1 ##/25##", "###/25##"],
    },
    TypeText {
        code: "fuel-station",
        activities: &[
            "ประกอบกิจการสถานีบริการน้ำมันเชื้อเพลิงประเภท ก",
            "ประกอบกิจการสถานีบริการก๊าซปิโตรเลียมเหลว",
        ],
        conditions: &["ต้องจัดให้มีเครื่องดับเพลิงชนิดผงเคมีแห้งไม่น้อยกว่า 4 เครื่อง"],
        number: &["ธพ.น.##/25##", "ก.##/25##"],
    },
    TypeText {
        code: "groundwater-use",
        activities: &[
            "ใช้น้ำบาดาลเพื่อการอุตสาหกรรม ปริมาณไม่เกิน 200 ลูกบาศก์เมตรต่อวัน",
            "ใช้น้ำบาดาลเพื่อการพาณิชย์ ปริมาณไม่เกิน 50 ลูกบาศก์เมตรต่อวัน",
        ],
        conditions: &["ต้องติดตั้งมาตรวัดน้ำและรายงานปริมาณการใช้น้ำทุกเดือน"],
        number: &["##-#####-####", "บ.##/25##"],
    },
    TypeText {
        code: "healthcare-facility",
        activities: &[
            "สถานพยาบาลประเภทที่ไม่รับผู้ป่วยไว้ค้างคืน ลักษณะคลินิกทันตกรรม",
            "สถานพยาบาลประเภทที่รับผู้ป่วยไว้ค้างคืน ลักษณะโรงพยาบาลทั่วไป ขนาด 120 เตียง",
        ],
        conditions: &[],
        number: &["##########", "สพ.##/25##"],
    },
    TypeText {
        code: "telecom-type1",
        activities: &["ให้บริการอินเทอร์เน็ต (ISP)", "ให้บริการโทรศัพท์ผ่านอินเทอร์เน็ตแบบที่หนึ่ง"],
        conditions: &[],
        number: &["ทค.1/25##/###", "1ก/##/###"],
    },
    TypeText {
        code: "direct-sales",
        activities: &[
            "ขายตรงสินค้าอุปโภคบริโภคและผลิตภัณฑ์เสริมอาหาร",
            "ขายตรงเครื่องสำอางและผลิตภัณฑ์ดูแลผิว",
        ],
        conditions: &[],
        number: &["##/25##", "ขต.###/25##"],
    },
];

/// Thai digits for the Thai-digit spelling some agencies use in addresses.
fn thai_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) if c.is_ascii_digit() => char::from_u32(0x0E50 + d).unwrap_or(c),
            _ => c,
        })
        .collect()
}

fn digits(rng: &mut Rng, pattern: &str) -> String {
    pattern
        .chars()
        .map(|c| {
            if c == '#' {
                char::from(b'0' + rng.below(10) as u8)
            } else {
                c
            }
        })
        .collect()
}

/// A valid 13-digit juristic person ID: 0, registration office, type, year,
/// serial, check digit.
fn juristic_id(rng: &mut Rng) -> String {
    let mut d: Vec<u32> = vec![0];
    d.extend([1, 1, 3, 5, 7].iter().map(|_| rng.below(10) as u32));
    d[1] = *rng.pick(&[1u32, 2, 3, 4, 5, 7, 8, 9]);
    while d.len() < 12 {
        d.push(rng.below(10) as u32);
    }
    let sum: u32 = d.iter().enumerate().map(|(i, x)| x * (13 - i as u32)).sum();
    d.push((11 - sum % 11) % 10);
    d.iter()
        .map(|x| char::from_digit(*x, 10).unwrap())
        .collect()
}

/// A company name in Thai and English; `long` makes it as long as real long names get.
fn company(rng: &mut Rng, long: bool) -> (String, String) {
    let roots = if long { 3 } else { 1 + rng.below(2) };
    let words = if long { 3 } else { rng.below(3) };
    let (mut th, mut en) = (String::new(), Vec::new());
    for _ in 0..roots {
        let (t, e) = rng.pick(NAME_ROOTS);
        th.push_str(t);
        en.push(e.to_string());
    }
    for _ in 0..words {
        let (t, e) = rng.pick(NAME_WORDS);
        th.push(' ');
        th.push_str(t);
        en.push(e.to_string());
    }
    let en = en.join(" ");
    let form = if long { 0 } else { rng.below(20) };
    match form {
        0..=1 => (
            format!("บริษัท {th} จำกัด (มหาชน)"),
            format!("{en} Public Company Limited"),
        ),
        2..=6 => (
            format!("ห้างหุ้นส่วนจำกัด {th}"),
            format!("{en} Limited Partnership"),
        ),
        7 => (
            format!("ห้างหุ้นส่วนสามัญนิติบุคคล {th}"),
            format!("{en} Registered Ordinary Partnership"),
        ),
        _ => (format!("บริษัท {th} จำกัด"), format!("{en} Co., Ltd.")),
    }
}

/// An address at `place` in Thai and English.
fn address(rng: &mut Rng, place: &Place, long: bool, industrial: bool) -> (String, String) {
    let bangkok = place.province.0 == BANGKOK.0;
    let number = if rng.chance(50) || long {
        format!("{}/{}", rng.range(1, 999), rng.range(1, 250))
    } else {
        rng.range(1, 1999).to_string()
    };
    let (mut th, mut en) = (Vec::new(), Vec::new());
    if bangkok && (long || rng.chance(25)) {
        let (b, b_en) = rng.pick(BUILDINGS);
        let floor = rng.range(2, 38);
        let room = floor * 100 + rng.range(1, 12);
        th.push(format!("อาคาร{b} ชั้น {floor} ห้อง {room}"));
        en.push(format!("{b_en}, Floor {floor}, Room {room}"));
    }
    th.push(format!("เลขที่ {number}"));
    en.push(number.clone());
    if !bangkok && (long || rng.chance(60)) {
        let moo = rng.range(1, 15);
        th.push(format!("หมู่ที่ {moo}"));
        en.push(format!("Moo {moo}"));
    }
    if industrial && !bangkok && (long || rng.chance(40)) {
        let (e, e_en) = rng.pick(ESTATES);
        th.push(e.to_string());
        en.push(e_en.to_string());
    }
    if long || rng.chance(45) {
        let (s, s_en) = rng.pick(SOIS);
        th.push(format!("ซอย{s}"));
        en.push(format!("Soi {s_en}"));
    }
    if long || rng.chance(75) {
        let (r, r_en) = rng.pick(ROADS);
        th.push(format!("ถนน{r}"));
        en.push(format!("{r_en} Road"));
    }
    if bangkok {
        th.push(format!(
            "แขวง{} เขต{} {} {}",
            place.sub.0, place.district.0, BANGKOK.0, place.postcode
        ));
        en.push(format!(
            "{}, {}, Bangkok {}",
            place.sub.1, place.district.1, place.postcode
        ));
    } else {
        th.push(format!(
            "ตำบล{} อำเภอ{} จังหวัด{} {}",
            place.sub.0, place.district.0, place.province.0, place.postcode
        ));
        en.push(format!(
            "{} Subdistrict, {} District, {} {}",
            place.sub.1, place.district.1, place.province.1, place.postcode
        ));
    }
    let th = th.join(" ");
    let th = if rng.chance(30) { thai_digits(&th) } else { th };
    (th, en.join(", "))
}

/// The agency that issues `agency_code` (a catalogue issuing agency) at `place`:
/// service code, Thai and English names.
fn agency_for(catalogue_agency: &Value, place: &Place) -> (String, String, String) {
    let code = catalogue_agency["code"].as_str().unwrap();
    let th = catalogue_agency["name"]["th"].as_str().unwrap();
    let en = catalogue_agency["name"]["en"].as_str().unwrap();
    let (p_th, p_en) = place.province;
    let province = province_slug(p_en);
    let provincial = |prefix: &str, th: &str, en: &str| {
        if p_th == BANGKOK.0 {
            (
                format!("{prefix}-bkk"),
                format!("{th}กรุงเทพมหานคร"),
                format!("Bangkok {en}"),
            )
        } else {
            (
                format!("{prefix}-{province}"),
                format!("{th}จังหวัด{p_th}"),
                format!("{p_en} {en}"),
            )
        }
    };
    match code {
        "PIO" => provincial("pio", "สำนักงานอุตสาหกรรม", "Provincial Industry Office"),
        "PPHO" => provincial("ppho", "สำนักงานสาธารณสุข", "Provincial Public Health Office"),
        "PROV" => provincial("prov", "ศาลากลาง", "Provincial Hall"),
        "EXCISE-AREA" => (
            format!("excise-{province}"),
            format!("สำนักงานสรรพสามิตพื้นที่{p_th}"),
            format!("{p_en} Area Excise Office"),
        ),
        "PBDO" => provincial(
            "pbdo",
            "สำนักงานพัฒนาธุรกิจการค้า",
            "Provincial Business Development Office",
        ),
        "LAO" | "BKK-BANGRAK" => (
            format!("lao-{}", place.slug),
            place.local.0.to_string(),
            place.local.1.to_string(),
        ),
        _ => (code.to_ascii_lowercase(), th.to_string(), en.to_string()),
    }
}

/// `validFrom`/`validUntil` for a licence type's typical validity.
fn validity(rng: &mut Rng, typical: Option<&str>) -> (String, String) {
    let year = rng.range(2024, 2027);
    let month = rng.range(1, 12);
    let day = rng.range(1, 28);
    let years = match typical {
        Some("P6M") => 0,
        Some("P1Y") => 1,
        Some("P2Y") => 2,
        Some("P5Y") => 5,
        Some("P10Y") => 10,
        _ => *rng.pick(&[3u64, 5, 10, 20]),
    };
    let from = format!("{year}-{month:02}-{day:02}T00:00:00+07:00");
    let until = if years == 0 {
        let m = (month + 5) % 12 + 1;
        let y = year + u64::from(month + 6 > 12);
        format!("{y}-{m:02}-{:02}T23:59:59+07:00", day.min(28))
    } else {
        let d = if day == 1 { 28 } else { day - 1 };
        let m = if day == 1 {
            (month + 10) % 12 + 1
        } else {
            month
        };
        let y = year + years - u64::from(day == 1 && month == 1);
        format!("{y}-{m:02}-{d:02}T23:59:59+07:00")
    };
    (from, until)
}

/// One licence request: the catalogue type, its agency at a place, the data.
struct Request {
    agency: (String, String, String),
    body: Value,
}

fn licence_request(rng: &mut Rng, ty: &Value, long: bool) -> Request {
    let code = ty["code"].as_str().unwrap();
    let text = TYPE_TEXTS
        .iter()
        .find(|t| t.code == code)
        .unwrap_or_else(|| panic!("no generator text for catalogue type {code}"));
    let agencies = ty["issuingAgencies"].as_array().unwrap();
    let catalogue_agency = rng.pick(agencies);
    let place = if catalogue_agency["code"] == "BKK-BANGRAK" {
        &PLACES[rng.below(2)]
    } else {
        rng.pick(PLACES)
    };
    let agency = agency_for(catalogue_agency, place);
    let required: Vec<&str> = ty["requiredSubjectFields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let industrial = code.starts_with("factory") || code == "groundwater-use";
    let (name_th, name_en) = company(rng, long);
    let (addr_th, addr_en) = address(rng, place, long, industrial);
    let mut address = json!({ "th": addr_th });
    if long || required.contains(&"premises.address.en") || rng.chance(60) {
        address["en"] = json!(addr_en);
    }
    let activity_count = if long {
        text.activities.len().min(2)
    } else {
        1 + rng.below(text.activities.len().min(2))
    };
    let first = rng.below(text.activities.len());
    let activities: Vec<&str> = (0..activity_count)
        .map(|i| text.activities[(first + i) % text.activities.len()])
        .collect();
    let pool: Vec<&str> = text
        .conditions
        .iter()
        .chain(GENERAL_CONDITIONS)
        .copied()
        .collect();
    let condition_count = if long {
        2
    } else if required.contains(&"conditions") {
        1 + rng.below(2)
    } else {
        rng.below(2)
    };
    let first = rng.below(pool.len());
    let conditions: Vec<&str> = (0..condition_count.min(pool.len()))
        .map(|i| pool[(first + i) % pool.len()])
        .collect();
    let pattern = *rng.pick(text.number);
    let number = digits(rng, pattern);
    let (valid_from, valid_until) = validity(rng, ty["typicalValidity"].as_str());
    let mut body = json!({
        "licenceType": {"code": code, "name": ty["name"]},
        "licenceNumber": number,
        "licensee": {
            "juristicPersonId": juristic_id(rng),
            "name": {"th": name_th, "en": name_en},
        },
        "premises": {"address": address},
        "permittedActivities": activities,
        "validFrom": valid_from,
        "validUntil": valid_until,
    });
    if !conditions.is_empty() {
        body["conditions"] = json!(conditions);
    }
    Request { agency, body }
}

// ---------------------------------------------------------------------------
// The service.

fn catalogue() -> Value {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../catalogue/licence-catalogue.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Creates agencies on first use and hands out their issue tokens.
struct Agencies {
    config: Config,
    master: MasterKey,
    tokens: HashMap<String, String>,
}

impl Agencies {
    fn token(&mut self, (code, th, en): &(String, String, String)) -> String {
        if let Some(t) = self.tokens.get(code) {
            return t.clone();
        }
        let mut conn = store::open(&self.config.database, self.config.durability).unwrap();
        admin::add_agency(
            &mut conn,
            &self.master,
            self.config.origin(),
            &NewAgency {
                code,
                name_th: th,
                name_en: en,
                algorithm: KeyAlgorithm::Ed25519,
                did_method: Default::default(),
            },
            "admin:test",
        )
        .unwrap();
        let t = token(&self.config, code, &[Scope::Issue]);
        self.tokens.insert(code.clone(), t.clone());
        t
    }
}

/// Everything measured about one issued licence.
struct Measured {
    type_code: String,
    long: bool,
    payload_chars: usize,
    version_m: u16,
    version_q: u16,
    /// The same licence as an LC1 payload, for comparison: its version at Q.
    lc1_version_q: u16,
}

fn issue_all() -> (Vec<Measured>, Service, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    elicence_issuer::crypto::write_master_key_file(&dir.path().join("master.key")).unwrap();
    let path = dir.path().join("issuer.toml");
    // A host of its own: the QR format's priming text shows sample licences
    // of the documentation's host, which a real deployment does not share.
    let text = config_text(dir.path(), "").replace(ORIGIN, SERVICE_ORIGIN);
    std::fs::write(&path, text).unwrap();
    let config = Config::load(&path).unwrap();
    let master = MasterKey::load(&config.master_key).unwrap();
    drop(store::open(&config.database, config.durability).unwrap());
    let mut agencies = Agencies {
        config: config.clone(),
        master,
        tokens: HashMap::new(),
    };
    let svc = start_with(dir, config);

    let mut rng = Rng(0x4C43_5F51_525F_5349);
    let mut measured = Vec::new();
    let mut credentials = Vec::new();
    let catalogue = catalogue();
    for ty in catalogue["licenceTypes"].as_array().unwrap() {
        for serial in 0..=ORDINARY_PER_TYPE {
            let long = serial == ORDINARY_PER_TYPE;
            let request = licence_request(&mut rng, ty, long);
            let t = agencies.token(&request.agency);
            let r = svc.post_json("/licences", Some(&t), &request.body);
            assert_eq!(r.status, 201, "{}: {}", request.body, r.body);
            let vc = r.json();
            assert_eq!(vc["credentialStatus"].as_array().unwrap().len(), 2);
            assert_eq!(vc["proof"]["cryptosuite"], "eddsa-rdfc-2022");
            assert!(vc["issuer"]["id"].as_str().unwrap().starts_with("did:web:"));

            let credential = Secured::Json(vc.clone());
            let payload = qr::encode(&credential).unwrap();
            // Lossless: the payload gives back the credential exactly as signed.
            let Secured::Json(back) = qr::decode(&payload).unwrap() else {
                panic!("a JSON credential came back as a JWT")
            };
            assert_eq!(
                serde_json::to_string(&back).unwrap(),
                serde_json::to_string(&vc).unwrap()
            );
            measured.push(Measured {
                type_code: ty["code"].as_str().unwrap().to_string(),
                long,
                payload_chars: payload.len(),
                version_m: qr_version(&payload, EcLevel::M).unwrap(),
                version_q: qr_version(&payload, EcLevel::Q).unwrap(),
                lc1_version_q: qr_version(
                    &qr::encode_as(&credential, qr::Format::Lc1).unwrap(),
                    EcLevel::Q,
                )
                .unwrap(),
            });
            credentials.push(vc);
        }
    }
    (measured, svc, credentials)
}

fn median(mut values: Vec<usize>) -> usize {
    values.sort_unstable();
    values[values.len() / 2]
}

#[test]
fn every_service_licence_of_every_catalogue_type_fits_version_20_q_and_17_m() {
    let (measured, svc, credentials) = issue_all();
    let types = catalogue()["licenceTypes"].as_array().unwrap().len();
    assert_eq!(measured.len(), types * (ORDINARY_PER_TYPE + 1));

    // The decoded credentials still verify against the agencies' did:web keys.
    let codes: Vec<String> = credentials
        .iter()
        .map(|vc| {
            let did = vc["issuer"]["id"].as_str().unwrap();
            did.rsplit(':').next().unwrap().to_string()
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    let resolver = did_resolver(&svc, &codes);
    for vc in credentials.iter().step_by(7) {
        let payload = qr::encode(&Secured::Json(vc.clone())).unwrap();
        let Secured::Json(back) = qr::decode(&payload).unwrap() else {
            panic!("not JSON")
        };
        proof::verify(&back, &resolver, "assertionMethod", None).unwrap();
    }

    let chars: Vec<usize> = measured.iter().map(|m| m.payload_chars).collect();
    // Base45: 3 characters per 2 bytes, 2 for a last odd byte.
    let bytes: Vec<usize> = chars
        .iter()
        .map(|c| (c - 4) / 3 * 2 + usize::from((c - 4) % 3 == 2))
        .collect();
    let m: Vec<usize> = measured.iter().map(|m| usize::from(m.version_m)).collect();
    let q: Vec<usize> = measured.iter().map(|m| usize::from(m.version_q)).collect();
    let lc1: Vec<usize> = measured
        .iter()
        .map(|m| usize::from(m.lc1_version_q))
        .collect();
    let spread = |v: &[usize]| {
        format!(
            "{}/{}/{}",
            v.iter().min().unwrap(),
            median(v.to_vec()),
            v.iter().max().unwrap()
        )
    };
    println!(
        "{} service licences (min/median/max): payload {} characters, {} coded bytes; \
         QR version at M {}, at Q {}; as LC1 at Q {}",
        measured.len(),
        spread(&chars),
        spread(&bytes),
        spread(&m),
        spread(&q),
        spread(&lc1),
    );
    let longest = measured.iter().filter(|m| m.long).map(|m| m.payload_chars);
    println!(
        "longest-field licences: up to {} characters",
        longest.max().unwrap()
    );
    for m in &measured {
        assert!(
            m.version_q <= MAX_VERSION_Q && m.version_m <= MAX_VERSION_M,
            "{} licence ({}{} characters) needs version {} at Q and {} at M",
            m.type_code,
            if m.long { "longest fields, " } else { "" },
            m.payload_chars,
            m.version_q,
            m.version_m
        );
    }
}

/// The DID documents the service publishes, for offline verification.
fn did_resolver(svc: &Service, codes: &[&str]) -> elicence_core::did::OfflineResolver {
    let docs = codes
        .iter()
        .map(|c| svc.get(&format!("/agencies/{c}/did.json"), &[]).json())
        .collect();
    elicence_core::did::OfflineResolver::with_documents(docs).unwrap()
}
