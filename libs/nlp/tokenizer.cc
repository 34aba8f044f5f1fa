#include "libs/nlp/tokenizer.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <array>
#include <cstddef>

namespace korpus::nlp {
namespace {

// ---------------------------------------------------------------------------
// Character classes. ASCII goes through a table; everything else through ICU.

enum class CharClass : uint8_t { kSpace, kLetter, kDigit, kOther };

constexpr std::array<CharClass, 128> MakeAsciiTable() {
  std::array<CharClass, 128> table{};
  for (int c = 0; c < 128; ++c) {
    CharClass cls = CharClass::kOther;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      cls = CharClass::kSpace;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      cls = CharClass::kLetter;
    } else if (c >= '0' && c <= '9') {
      cls = CharClass::kDigit;
    }
    table[c] = cls;
  }
  return table;
}
constexpr std::array<CharClass, 128> kAsciiClass = MakeAsciiTable();

// Decodes the code point at byte `i` (< text.size()); stores the offset of
// the next code point in `*next`. Returns a negative value for an invalid
// sequence, in which case *next == i + 1 at least.
inline UChar32 DecodeAt(std::string_view text, uint32_t i, uint32_t* next) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) {
    *next = i + 1;
    return c;
  }
  int32_t j = static_cast<int32_t>(i);
  UChar32 cp;
  U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), j,
          static_cast<int32_t>(text.size()), cp);
  *next = static_cast<uint32_t>(j);
  return cp;
}

inline CharClass Classify(UChar32 cp) {
  if (cp >= 0 && cp < 0x80) return kAsciiClass[cp];
  if (cp < 0) return CharClass::kOther;
  if (u_isUWhiteSpace(cp)) return CharClass::kSpace;
  // Combining marks count as letters so that a decomposed "ü" stays in its word.
  if (u_isalpha(cp) || (U_GET_GC_MASK(cp) & U_GC_M_MASK) != 0) return CharClass::kLetter;
  if (u_isdigit(cp)) return CharClass::kDigit;
  return CharClass::kOther;
}

inline bool IsWordClass(CharClass cls) {
  return cls == CharClass::kLetter || cls == CharClass::kDigit;
}

inline CharClass ClassAt(std::string_view text, uint32_t i, uint32_t* next) {
  return Classify(DecodeAt(text, i, next));
}

inline bool IsUpperCp(UChar32 cp) {
  if (cp >= 0 && cp < 0x80) return cp >= 'A' && cp <= 'Z';
  return cp > 0 && (u_isupper(cp) || u_istitle(cp));
}

inline bool IsLowerCp(UChar32 cp) {
  if (cp >= 0 && cp < 0x80) return cp >= 'a' && cp <= 'z';
  return cp > 0 && u_islower(cp);
}

// Marks that close a quotation or parenthesis and, directly after a full
// stop, still belong to the sentence it ends: „Ja.“ / "Yes." / (so.)
inline bool IsCloserCp(UChar32 cp) {
  switch (cp) {
    case '"': case '\'': case ')': case ']': case '}':
    case 0x2019: /* ’ */ case 0x201C: /* “ */ case 0x201D: /* ” */
    case 0x2018: /* ‘ */ case 0x00BB: /* » */ case 0x00AB: /* « */
    case 0x203A: /* › */ case 0x2039: /* ‹ */
      return true;
    default:
      return false;
  }
}

inline bool IsHyphenCp(UChar32 cp) { return cp == '-' || cp == 0x2011; }

inline bool IsApostropheCp(UChar32 cp) { return cp == '\'' || cp == 0x2019; }

// Punctuation versus symbol for single non-word characters.
TokenKind PunctuationOrSymbol(UChar32 cp) {
  if (cp < 0) return TokenKind::kSymbol;
  if (cp < 0x80) {
    switch (cp) {
      case '.': case ',': case ';': case ':': case '!': case '?': case '\'':
      case '"': case '(': case ')': case '[': case ']': case '{': case '}':
      case '-': case '/':
        return TokenKind::kPunctuation;
      default:
        return TokenKind::kSymbol;
    }
  }
  switch (cp) {
    case 0x00A7: /* § */ case 0x2030: /* ‰ */ case 0x2020: /* † */
    case 0x2021: /* ‡ */ case 0x2022: /* • */ case 0x00B6: /* ¶ */
      return TokenKind::kSymbol;
    default:
      break;
  }
  return u_ispunct(cp) ? TokenKind::kPunctuation : TokenKind::kSymbol;
}

// Copies `word` lower-cased (ASCII only) into `buffer`; returns the view, or
// an empty view when the word does not fit (such words are never looked up).
std::string_view AsciiLower(std::string_view word, char* buffer, size_t capacity) {
  if (word.size() > capacity) return {};
  for (size_t k = 0; k < word.size(); ++k) {
    char c = word[k];
    buffer[k] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return std::string_view(buffer, word.size());
}

bool StartsWithAsciiNoCase(std::string_view text, uint32_t i, std::string_view prefix) {
  if (text.size() - i < prefix.size()) return false;
  for (size_t k = 0; k < prefix.size(); ++k) {
    char c = text[i + k];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[k]) return false;
  }
  return true;
}

inline bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Characters that end a URL: whitespace, ASCII delimiters that cannot
// appear unescaped, and any non-ASCII byte that starts a quotation mark.
bool IsUrlStop(std::string_view text, uint32_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == 0x7F) return true;
  if (c >= 0x80) {
    uint32_t next;
    UChar32 cp = DecodeAt(text, i, &next);
    return cp < 0 || u_isUWhiteSpace(cp) || IsCloserCp(cp) || cp == 0x201E /* „ */;
  }
  return false;
}

// Strips trailing sentence punctuation from a URL candidate [begin, end).
uint32_t TrimUrlEnd(std::string_view text, uint32_t begin, uint32_t end) {
  int open_parens = 0;
  for (uint32_t k = begin; k < end; ++k) {
    if (text[k] == '(') ++open_parens;
    if (text[k] == ')') --open_parens;
  }
  while (end > begin) {
    char c = text[end - 1];
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'') {
      --end;
    } else if (c == ')' && open_parens < 0) {
      ++open_parens;
      --end;
    } else {
      break;
    }
  }
  return end;
}

// "http://...", "https://...", "ftp://...", "www.x...": returns the end of
// the URL or 0 when there is none at `i`.
uint32_t MatchUrl(std::string_view text, uint32_t i) {
  uint32_t p;
  if (StartsWithAsciiNoCase(text, i, "https://")) {
    p = i + 8;
  } else if (StartsWithAsciiNoCase(text, i, "http://")) {
    p = i + 7;
  } else if (StartsWithAsciiNoCase(text, i, "ftp://")) {
    p = i + 6;
  } else if (StartsWithAsciiNoCase(text, i, "www.")) {
    p = i + 4;
  } else {
    return 0;
  }
  if (p >= text.size() || !IsAsciiAlnum(text[p])) return 0;
  // Whole characters: stepping by byte would end the URL inside a non-ASCII
  // character (its trail bytes decode as invalid, which stops a URL).
  while (p < text.size() && !IsUrlStop(text, p)) DecodeAt(text, p, &p);
  return TrimUrlEnd(text, i, p);
}

// "local@domain.tld": returns the end of the address or 0.
uint32_t MatchEmail(std::string_view text, uint32_t i) {
  const uint32_t n = static_cast<uint32_t>(text.size());
  uint32_t p = i;
  auto is_local = [](char c) {
    return IsAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
  };
  while (p < n && is_local(text[p])) ++p;
  if (p == i || p >= n || text[p] != '@') return 0;
  ++p;
  const uint32_t domain_begin = p;
  while (p < n && (IsAsciiAlnum(text[p]) || text[p] == '-' || text[p] == '.')) ++p;
  // Trailing full stops belong to the sentence, not the address.
  while (p > domain_begin && text[p - 1] == '.') --p;
  uint32_t last_dot = 0;
  for (uint32_t k = domain_begin; k < p; ++k) {
    if (text[k] == '.') last_dot = k;
  }
  if (last_dot == 0 || last_dot <= domain_begin || last_dot + 1 >= p) return 0;
  return p;
}

// "z.B.", "e.V.", "U.S.A.", "i.d.R.": two or more groups of one or two
// letters, each followed by a full stop. Returns the end or 0.
uint32_t MatchDottedAbbreviation(std::string_view text, uint32_t i) {
  const uint32_t n = static_cast<uint32_t>(text.size());
  uint32_t p = i;
  int groups = 0;
  while (p < n) {
    uint32_t q = p;
    int letters = 0;
    while (q < n && letters < 3) {
      uint32_t next;
      if (ClassAt(text, q, &next) != CharClass::kLetter) break;
      q = next;
      ++letters;
    }
    if (letters == 0 || letters > 2 || q >= n || text[q] != '.') break;
    p = q + 1;
    ++groups;
  }
  if (groups < 2) return 0;
  // "z.B.x" is not an abbreviation followed by a word; refuse it.
  if (p < n) {
    uint32_t next;
    if (ClassAt(text, p, &next) == CharClass::kLetter) return 0;
  }
  return p;
}

// After a word ending at `i` with text[i] == '.': "spiegel.de", "news.bbc.co.uk/x".
// Returns the end of the host (and path) when the last label is a known
// top-level domain, else 0.
uint32_t MatchBareDomain(std::string_view text, uint32_t word_begin, uint32_t i,
                         const absl::flat_hash_set<std::string_view>& tlds) {
  const uint32_t n = static_cast<uint32_t>(text.size());
  // The first label must be ASCII (internationalised hosts are rare here).
  for (uint32_t k = word_begin; k < i; ++k) {
    if (!IsAsciiAlnum(text[k]) && text[k] != '-') return 0;
  }
  uint32_t p = i;
  uint32_t last_label_begin = 0;
  while (p < n && text[p] == '.' && p + 1 < n && text[p + 1] >= 'a' && text[p + 1] <= 'z') {
    last_label_begin = p + 1;
    p += 1;
    while (p < n && (IsAsciiAlnum(text[p]) || text[p] == '-')) ++p;
  }
  if (last_label_begin == 0) return 0;
  if (p < n) {
    uint32_t next;
    if (IsWordClass(ClassAt(text, p, &next))) return 0;
  }
  if (!tlds.contains(text.substr(last_label_begin, p - last_label_begin))) return 0;
  if (p < n && text[p] == '/') {
    while (p < n && !IsUrlStop(text, p)) DecodeAt(text, p, &p);  // whole characters, as MatchUrl
    p = TrimUrlEnd(text, word_begin, p);
  }
  return p;
}

// ":-)", ":)", ";-)", ";)", ":-(", ":(", ":-D", ":-P": returns the end or 0.
uint32_t MatchEmoticon(std::string_view text, uint32_t i) {
  if (text[i] != ':' && text[i] != ';') return 0;
  uint32_t p = i + 1;
  if (p < text.size() && text[p] == '-') ++p;
  if (p >= text.size()) return 0;
  const char mouth = text[p];
  const bool nose = p > i + 1;
  if (mouth == ')' || mouth == '(' || (nose && (mouth == 'D' || mouth == 'P'))) {
    // "(Montag:)" is rare; a mouth directly after a word character is not
    // an emoticon when no space precedes the colon.
    if (i > 0 && IsAsciiAlnum(text[i - 1]) && mouth == ')' && !nose) return 0;
    return p + 1;
  }
  return 0;
}

// An apostrophe at `apostrophe` (ending at `after`) starting a clitic "'s"
// after a lower-case letter: "geht's", "für's" (GSD splits these; "TV's"
// after a capital stays whole).
bool IsCliticS(std::string_view text, uint32_t apostrophe, uint32_t after) {
  if (after >= text.size() || text[after] != 's' || apostrophe == 0) return false;
  if (after + 1 < text.size()) {
    uint32_t next;
    if (IsWordClass(ClassAt(text, after + 1, &next))) return false;
  }
  uint32_t k = apostrophe - 1;
  while (k > 0 && (static_cast<unsigned char>(text[k]) & 0xC0) == 0x80) --k;
  uint32_t next;
  return IsLowerCp(DecodeAt(text, k, &next));
}

// True when the whitespace in [begin, end) contains a blank line.
bool GapHasParagraphBreak(std::string_view text, uint32_t begin, uint32_t end) {
  int newlines = 0;
  for (uint32_t k = begin; k < end; ++k) {
    const char c = text[k];
    if (c == '\n') {
      if (++newlines >= 2) return true;
    } else if (c == '\xE2' && k + 2 < end && text[k + 1] == '\x80' && text[k + 2] == '\xA9') {
      return true;  // U+2029 PARAGRAPH SEPARATOR
    }
  }
  return false;
}

inline UChar32 FirstCp(std::string_view text, const Token& token) {
  uint32_t next;
  return DecodeAt(text, token.begin, &next);
}

constexpr std::string_view kAbbreviations[] = {
    // The cases the product must handle; spaced forms are split per letter.
    "z", "B", "u", "a", "d", "h", "o", "ä", "s", "v", "g", "i", "e",
    "Dr", "Prof", "Nr", "Mio", "Mrd", "Tsd", "bzw", "ca", "usw", "etc",
    "evtl", "ggf", "vgl", "inkl", "exkl", "zzgl", "abzgl", "sog", "bspw",
    "allg", "ehem", "geb", "gest", "verh", "Hr", "Hrn", "Fr", "Frl", "Str",
    "St", "Tel", "Jh", "Jhd", "Chr", "Abs", "Abb", "Bd", "Bde", "Dipl",
    "Ing", "Mag", "jr", "jun", "sen", "Jr", "Mr", "Mrs", "Ms", "Co", "Inc",
    "Ltd", "Corp", "Kap", "Anm", "Aufl", "Hrsg", "Min", "Std", "Sek", "max",
    "mind", "gem", "lt", "rd", "urspr", "vs", "Feb", "Apr", "Jun",
    "Jul", "Aug", "Sep", "Sept", "Okt", "Nov", "Dez", "Mo", "Di", "Mi", "Do",
    "Sa", "bzgl", "zB", "ff", "Az", "Ziff", "Mill", "ggü", "insb", "insbes",
    "Verf", "Vors", "Stv", "stv", "Gebr", "Präs", "Kfm", "Pkt", "ebd",
};
constexpr std::string_view kFinalAbbreviations[] = {"usw", "etc", "ff", "Chr"};
constexpr std::string_view kMonths[] = {
    "Januar", "Jänner", "Februar", "März", "April", "Mai", "Juni", "Juli",
    "August", "September", "Oktober", "November", "Dezember", "Jan", "Feb",
    "Mär", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Okt", "Nov", "Dez",
};
constexpr std::string_view kOrdinalTriggers[] = {
    // lower-cased; compared against the lower-cased previous token
    "der", "die", "das", "dem", "den", "des", "am", "im", "vom", "zum", "zur",
    "beim", "ab", "bis", "seit", "und", "oder", "bzw.", "sein", "seine",
    "seinem", "seinen", "seiner", "seines", "ihr", "ihre", "ihrem", "ihren",
    "ihrer", "ihres", "unser", "unsere", "unserem", "jeder", "jedem", "jeden",
    "diese", "dieser", "diesem", "diesen", "dieses", "zu", "an", "in", "auf",
    "für", "nach", "vor", "um", "per", "–", "-",
};
constexpr std::string_view kTopLevelDomains[] = {
    "de", "com", "org", "net", "at", "ch", "eu", "io", "info", "gov", "uk",
    "fr", "it", "nl", "edu", "ai", "tv", "be", "es", "pl", "us", "biz",
};

}  // namespace

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kWord: return "word";
    case TokenKind::kNumber: return "number";
    case TokenKind::kOrdinal: return "ordinal";
    case TokenKind::kAbbreviation: return "abbreviation";
    case TokenKind::kPunctuation: return "punctuation";
    case TokenKind::kSymbol: return "symbol";
    case TokenKind::kUrl: return "url";
    case TokenKind::kEmail: return "email";
  }
  return "unknown";
}

Tokenizer::Tokenizer(const TokenizerOptions& options) : options_(options) {
  abbreviations_.insert(std::begin(kAbbreviations), std::end(kAbbreviations));
  final_abbreviations_.insert(std::begin(kFinalAbbreviations), std::end(kFinalAbbreviations));
  month_names_.insert(std::begin(kMonths), std::end(kMonths));
  ordinal_triggers_.insert(std::begin(kOrdinalTriggers), std::end(kOrdinalTriggers));
  top_level_domains_.insert(std::begin(kTopLevelDomains), std::end(kTopLevelDomains));
}

bool Tokenizer::IsOrdinalStop(std::string_view text, const std::vector<Token>& tokens,
                              uint32_t number_begin, uint32_t number_end) const {
  const uint32_t n = static_cast<uint32_t>(text.size());
  // Shape: "2", "31", "123" or a date "24.12" (every group at most two digits).
  {
    int group_digits = 0;
    int groups = 1;
    int max_group = 0;
    for (uint32_t k = number_begin; k < number_end; ++k) {
      if (text[k] == '.') {
        ++groups;
        group_digits = 0;
      } else if (text[k] == ',' || text[k] == ':') {
        return false;
      } else if (++group_digits > max_group) {
        max_group = group_digits;
      }
    }
    if (groups == 1 ? max_group > 3 : max_group > 2) return false;
  }
  uint32_t p = number_end + 1;  // past the full stop
  bool newline = false;
  while (p < n) {
    uint32_t next;
    UChar32 cp = DecodeAt(text, p, &next);
    if (Classify(cp) != CharClass::kSpace) break;
    if (cp == '\n' || cp == 0x2029) newline = true;
    p = next;
  }
  if (p >= n || newline) return false;
  uint32_t next;
  UChar32 cp = DecodeAt(text, p, &next);
  if (Classify(cp) != CharClass::kLetter) return false;
  if (IsLowerCp(cp)) return true;  // "am 2. und 3. Mai", "zum 5. mal"
  uint32_t word_end = next;
  while (word_end < n) {
    uint32_t after;
    if (ClassAt(text, word_end, &after) != CharClass::kLetter) break;
    word_end = after;
  }
  if (month_names_.contains(text.substr(p, word_end - p))) return true;
  if (tokens.empty()) return false;
  const Token& previous = tokens.back();
  char buffer[16];
  std::string_view lowered = AsciiLower(previous.Text(text), buffer, sizeof(buffer));
  return !lowered.empty() && ordinal_triggers_.contains(lowered);
}

void Tokenizer::TokenizeInto(std::string_view text, std::vector<Token>& out) const {
  out.clear();
  out.reserve(text.size() / 5 + 16);
  const uint32_t n = static_cast<uint32_t>(text.size());
  auto emit = [&out](uint32_t begin, uint32_t end, TokenKind kind) {
    out.push_back(Token{begin, end, kind});
  };

  uint32_t i = 0;
  while (i < n) {
    uint32_t next;
    const UChar32 cp = DecodeAt(text, i, &next);
    const CharClass cls = Classify(cp);
    if (cls == CharClass::kSpace) {
      i = next;
      continue;
    }
    const uint32_t begin = i;

    if (cp == 'h' || cp == 'H' || cp == 'w' || cp == 'W' || cp == 'f' || cp == 'F') {
      if (uint32_t end = MatchUrl(text, i); end > begin) {
        emit(begin, end, TokenKind::kUrl);
        i = end;
        continue;
      }
    }

    if (cls == CharClass::kOther) {
      if (uint32_t end = MatchEmoticon(text, i); end > begin) {
        emit(begin, end, TokenKind::kSymbol);
        i = end;
        continue;
      }
      if (IsApostropheCp(cp) && next < n && text[next] == 's' && !out.empty() &&
          out.back().end == begin && IsCliticS(text, begin, next)) {
        emit(begin, next + 1, TokenKind::kWord);  // the "'s" of "geht's"
        i = next + 1;
        continue;
      }
      // One mark, or a run of the same mark: "...", "!!", "--", "?!", and
      // the typewriter quotes "``" and "''".
      uint32_t end = next;
      if (cp == '`' || (cp == '\'' && end < n && text[end] == '\'')) {
        while (end < n && text[end] == static_cast<char>(cp)) ++end;
      } else if (cp == '.' || cp == '-' ||
                 (!options_.split_repeated_marks && (cp == '!' || cp == '?'))) {
        while (end < n && (text[end] == static_cast<char>(cp) ||
                           ((cp == '!' || cp == '?') && (text[end] == '!' || text[end] == '?')))) {
          ++end;
        }
      }
      emit(begin, end, PunctuationOrSymbol(cp));
      i = end;
      continue;
    }

    // Letters or digits from here on.
    if (IsAsciiAlnum(text[i])) {
      if (uint32_t end = MatchEmail(text, i); end > begin) {
        emit(begin, end, TokenKind::kEmail);
        i = end;
        continue;
      }
    }
    if (cls == CharClass::kLetter) {
      if (uint32_t end = MatchDottedAbbreviation(text, i); end > begin) {
        emit(begin, end, TokenKind::kAbbreviation);
        i = end;
        continue;
      }
    }

    uint32_t p = next;
    bool pure_number = cls == CharClass::kDigit;
    if (pure_number) {
      // Digits with German separators: "1.000.000", "3,5", "14:30", "2.2.2025".
      while (p < n) {
        const char c = text[p];
        if (c >= '0' && c <= '9') {
          ++p;
        } else if ((c == '.' || c == ',' || c == ':') && p + 1 < n && text[p + 1] >= '0' &&
                   text[p + 1] <= '9') {
          p += 2;
        } else {
          break;
        }
      }
      if (p < n) {
        uint32_t after;
        const UChar32 following = DecodeAt(text, p, &after);
        const CharClass following_class = Classify(following);
        // "3D", "20er", "5-jährige": the number is part of a word.
        if (following_class == CharClass::kLetter) {
          pure_number = false;
        } else if (IsHyphenCp(following) && after < n && !options_.split_hyphenated_compounds) {
          uint32_t after2;
          if (IsWordClass(ClassAt(text, after, &after2))) pure_number = false;
        }
      }
      if (pure_number) {
        if (p < n && text[p] == '.' && IsOrdinalStop(text, out, begin, p)) {
          emit(begin, p + 1, TokenKind::kOrdinal);
          i = p + 1;
        } else {
          emit(begin, p, TokenKind::kNumber);
          i = p;
        }
        continue;
      }
    }

    // A word: letters and digits, joined by single inner hyphens
    // ("KI-Chip-Exportbeschränkungen") and inner apostrophes ("geht's").
    bool has_joiner = false;
    while (p < n) {
      uint32_t after;
      const UChar32 c = DecodeAt(text, p, &after);
      const CharClass c_class = Classify(c);
      if (IsWordClass(c_class)) {
        p = after;
        continue;
      }
      if (IsHyphenCp(c) && options_.split_hyphenated_compounds) break;
      if (IsApostropheCp(c) && IsCliticS(text, p, after)) break;  // "geht's" -> "geht" "'s"
      if ((IsHyphenCp(c) || IsApostropheCp(c)) && after < n) {
        uint32_t after2;
        const CharClass next_class = ClassAt(text, after, &after2);
        if (IsWordClass(next_class) && (IsHyphenCp(c) || next_class == CharClass::kLetter)) {
          has_joiner = true;
          p = after2;
          continue;
        }
      }
      break;
    }

    if (p < n && text[p] == '.') {
      if (!has_joiner) {
        if (uint32_t end = MatchBareDomain(text, begin, p, top_level_domains_); end > p) {
          emit(begin, end, TokenKind::kUrl);
          i = end;
          continue;
        }
      }
      const std::string_view word = text.substr(begin, p - begin);
      // A lone capital ("J. Smith") is an initial.
      const bool initial = (p - begin == 1 && IsUpperCp(cp)) ||
                           (p - begin == 2 && static_cast<unsigned char>(text[begin]) >= 0xC0 &&
                            IsUpperCp(cp));
      if (!has_joiner && (initial || abbreviations_.contains(word))) {
        // A single letter directly followed by a word ("a.Die") is no abbreviation.
        emit(begin, p + 1, TokenKind::kAbbreviation);
        i = p + 1;
        continue;
      }
    }
    emit(begin, p, TokenKind::kWord);
    i = p;
  }
}

void Tokenizer::SplitSentences(std::string_view text, const std::vector<Token>& tokens,
                               std::vector<Sentence>& out) const {
  out.clear();
  const uint32_t count = static_cast<uint32_t>(tokens.size());
  if (count == 0) return;
  out.reserve(count / 12 + 4);
  uint32_t first = 0;
  auto close_sentence = [&](uint32_t last) {
    out.push_back(Sentence{tokens[first].begin, tokens[last].end, first, last - first + 1});
    first = last + 1;
  };

  for (uint32_t t = 0; t < count; ++t) {
    const Token& token = tokens[t];
    uint32_t last = t;
    bool boundary = false;

    const bool terminal =
        token.kind == TokenKind::kPunctuation &&
        (text[token.begin] == '.' || text[token.begin] == '!' || text[token.begin] == '?' ||
         text.compare(token.begin, 3, "\xE2\x80\xA6") == 0 /* … */);
    if (terminal) {
      // Closing quotes and brackets glued to the mark end the sentence with it.
      // So do further marks ("!" "!" "!" when split, "?!").
      while (last + 1 < count && tokens[last + 1].begin == tokens[last].end &&
             tokens[last + 1].kind == TokenKind::kPunctuation) {
        const UChar32 c = FirstCp(text, tokens[last + 1]);
        if (!IsCloserCp(c) && c != '!' && c != '?' && c != '.') break;
        ++last;
      }
      if (last + 1 >= count) {
        boundary = true;
      } else {
        const Token& following = tokens[last + 1];
        const UChar32 f = FirstCp(text, following);
        const bool continues = IsLowerCp(f) || f == ',' || f == ';' || f == ':';
        boundary = !continues || GapHasParagraphBreak(text, tokens[last].end, following.begin);
      }
    } else if (token.kind == TokenKind::kSymbol && t + 1 < count && token.size() >= 2 &&
               (text[token.begin] == ':' || text[token.begin] == ';')) {
      // An emoticon closes a sentence when a capitalised word follows: "Super :-) Wir ..."
      boundary = IsUpperCp(FirstCp(text, tokens[t + 1]));
    } else if (token.kind == TokenKind::kAbbreviation && t + 1 < count) {
      const std::string_view word = text.substr(token.begin, token.size() - 1);
      boundary = final_abbreviations_.contains(word) &&
                 IsUpperCp(FirstCp(text, tokens[t + 1]));
    }
    if (!boundary && last + 1 < count &&
        GapHasParagraphBreak(text, tokens[last].end, tokens[last + 1].begin)) {
      boundary = true;
    }
    // A single line break after a line without final punctuation, before a
    // capitalised word, ends a heading ("Trump trifft Huang\nPräsident ...").
    if (!boundary && last + 1 < count && token.kind == TokenKind::kWord &&
        text.substr(tokens[last].end, tokens[last + 1].begin - tokens[last].end).find('\n') !=
            std::string_view::npos &&
        IsUpperCp(FirstCp(text, tokens[last + 1]))) {
      boundary = true;
    }
    if (boundary || last + 1 == count) close_sentence(last);
    t = last;
  }
}

TokenizedText Tokenizer::Tokenize(std::string_view utf8_text) const {
  TokenizedText result;
  TokenizeInto(utf8_text, result.tokens);
  SplitSentences(utf8_text, result.tokens, result.sentences);
  return result;
}

}  // namespace korpus::nlp
