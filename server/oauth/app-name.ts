/**
 * Whether an app's name may be shown on the consent page as "<name> wants to access your account". The page is
 * where a user decides whom to trust, so a name must read as what it is: no characters that reorder or hide text
 * (a bidi override makes "lapyaP" read "Paypal"), and no word that mixes scripts the way spoofs do ("Pаypal" with a
 * Cyrillic а). The mixed-script rule is UTS #39 §5.2 "Highly Restrictive", applied to each word.
 *
 * Pure and dependency-free: pulumi-provider/src/provider/rules.ts repeats it (a parity test compares both).
 *
 * @see https://www.unicode.org/reports/tr39/#Restriction_Level_Detection
 * @see https://www.unicode.org/reports/tr9/#Explicit_Directional_Formatting_Characters
 */

export type AppNameCheck = { ok: true } | { ok: false; reason: string };

// UAX #9 explicit formatting characters (embeddings, overrides, isolates), the implicit marks and the Arabic mark.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u;
// Characters that render as nothing: they split or join a word invisibly.
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/u;
// Every other control, format, surrogate, private-use or unassigned code point, and line/paragraph separators.
const INVISIBLE_OR_CONTROL = /[\p{C}\u2028\u2029]/u;

/** Every Unicode script but Common and Inherited (which go with any script), by their long names. */
// biome-ignore format: a long list, kept dense
export const SCRIPTS = [
  "Adlam", "Ahom", "Anatolian_Hieroglyphs", "Arabic", "Armenian", "Avestan", "Balinese", "Bamum", "Bassa_Vah",
  "Batak", "Bengali", "Bhaiksuki", "Bopomofo", "Brahmi", "Braille", "Buginese", "Buhid", "Canadian_Aboriginal",
  "Carian", "Caucasian_Albanian", "Chakma", "Cham", "Cherokee", "Chorasmian", "Coptic", "Cuneiform", "Cypriot",
  "Cypro_Minoan", "Cyrillic", "Deseret", "Devanagari", "Dives_Akuru", "Dogra", "Duployan", "Egyptian_Hieroglyphs",
  "Elbasan", "Elymaic", "Ethiopic", "Georgian", "Glagolitic", "Gothic", "Grantha", "Greek", "Gujarati",
  "Gunjala_Gondi", "Gurmukhi", "Han", "Hangul", "Hanifi_Rohingya", "Hanunoo", "Hatran", "Hebrew", "Hiragana",
  "Imperial_Aramaic", "Inscriptional_Pahlavi", "Inscriptional_Parthian", "Javanese", "Kaithi", "Kannada", "Katakana",
  "Kawi", "Kayah_Li", "Kharoshthi", "Khitan_Small_Script", "Khmer", "Khojki", "Khudawadi", "Lao", "Latin", "Lepcha",
  "Limbu", "Linear_A", "Linear_B", "Lisu", "Lycian", "Lydian", "Mahajani", "Makasar", "Malayalam", "Mandaic",
  "Manichaean", "Marchen", "Masaram_Gondi", "Medefaidrin", "Meetei_Mayek", "Mende_Kikakui", "Meroitic_Cursive",
  "Meroitic_Hieroglyphs", "Miao", "Modi", "Mongolian", "Mro", "Multani", "Myanmar", "Nabataean", "Nag_Mundari",
  "Nandinagari", "New_Tai_Lue", "Newa", "Nko", "Nushu", "Nyiakeng_Puachue_Hmong", "Ogham", "Ol_Chiki",
  "Old_Hungarian", "Old_Italic", "Old_North_Arabian", "Old_Permic", "Old_Persian", "Old_Sogdian", "Old_South_Arabian",
  "Old_Turkic", "Old_Uyghur", "Oriya", "Osage", "Osmanya", "Pahawh_Hmong", "Palmyrene", "Pau_Cin_Hau", "Phags_Pa",
  "Phoenician", "Psalter_Pahlavi", "Rejang", "Runic", "Samaritan", "Saurashtra", "Sharada", "Shavian", "Siddham",
  "SignWriting", "Sinhala", "Sogdian", "Sora_Sompeng", "Soyombo", "Sundanese", "Syloti_Nagri", "Syriac", "Tagalog",
  "Tagbanwa", "Tai_Le", "Tai_Tham", "Tai_Viet", "Takri", "Tamil", "Tangsa", "Tangut", "Telugu", "Thaana", "Thai",
  "Tibetan", "Tifinagh", "Tirhuta", "Toto", "Ugaritic", "Vai", "Vithkuqi", "Wancho", "Warang_Citi", "Yezidi", "Yi",
  "Zanabazar_Square",
] as const;

/** UTS #39 §5.2: besides a single script, Highly Restrictive allows Latin with these CJK writing systems. */
const ALLOWED_COMBINATIONS: readonly (readonly string[])[] = [
  ["Latin", "Han", "Hiragana", "Katakana"], // Japanese
  ["Latin", "Han", "Bopomofo"], // Chinese
  ["Latin", "Han", "Hangul"], // Korean
];

const COMMON_OR_INHERITED = /[\p{Script_Extensions=Common}\p{Script_Extensions=Inherited}]/u;

let scriptPatterns: readonly (readonly [string, RegExp])[] | undefined;

/** Script_Extensions patterns for the scripts this runtime's Unicode version knows (built on first use). */
function patterns(): readonly (readonly [string, RegExp])[] {
  scriptPatterns ??= SCRIPTS.flatMap((script) => {
    try {
      return [[script, new RegExp(`\\p{Script_Extensions=${script}}`, "u")] as const];
    } catch {
      return []; // A script newer than this runtime's Unicode data: its characters read as Unknown.
    }
  });
  return scriptPatterns;
}

/** The scripts a character may belong to (UAX #24 Script_Extensions); empty for Common and Inherited ones. */
function scriptsOf(char: string): readonly string[] {
  if (COMMON_OR_INHERITED.test(char)) return [];
  const found = patterns()
    .filter(([, pattern]) => pattern.test(char))
    .map(([script]) => script);
  return found.length > 0 ? found : ["Unknown"];
}

/** The scripts a word mixes when no single script or allowed combination covers it, else undefined. */
export function mixedScripts(word: string): string[] | undefined {
  const sets = Array.from(word, scriptsOf).filter((set) => set.length > 0);
  if (sets.length === 0) return undefined;
  const shared = sets.reduce((common, set) => common.filter((script) => set.includes(script)));
  if (shared.length > 0) return undefined;
  const covered = ALLOWED_COMBINATIONS.some((combo) => sets.every((set) => set.some((s) => combo.includes(s))));
  if (covered) return undefined;
  const scripts: string[] = [];
  for (const set of sets) if (!set.some((script) => scripts.includes(script))) scripts.push(set[0]!);
  return scripts;
}

const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

/**
 * Accepts `name` (already trimmed) when it holds no bidi control, zero-width, control or other invisible character
 * and no word in it mixes scripts; the reason names the first offending character or word.
 */
export function validateAppName(name: string): AppNameCheck {
  const fail = (reason: string): AppNameCheck => ({ ok: false, reason });
  const bidi = BIDI_CONTROL.exec(name);
  if (bidi) return fail(`must not contain bidirectional control characters (${codePoint(bidi[0])})`);
  const zeroWidth = ZERO_WIDTH.exec(name);
  if (zeroWidth) return fail(`must not contain zero-width characters (${codePoint(zeroWidth[0])})`);
  const invisible = INVISIBLE_OR_CONTROL.exec(name);
  if (invisible) return fail(`must not contain control or invisible characters (${codePoint(invisible[0])})`);
  for (const word of name.split(/\s+/u)) {
    const scripts = mixedScripts(word);
    if (scripts) return fail(`must not mix scripts in one word: "${word}" mixes ${scripts.join(" and ")}`);
  }
  return { ok: true };
}
