#include "libs/ingest/html_text.h"

#include <algorithm>
#include <cstdint>

#include "libs/ingest/unicode_text.h"

namespace korpus::ingest {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiHexDigit(char c) {
  return IsAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}
char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Finds `needle` (lower-case ASCII) in `haystack` from `from`, ignoring ASCII
// case; npos if absent.
size_t FindIgnoringCase(std::string_view haystack, std::string_view needle, size_t from) {
  auto it = std::search(haystack.begin() + std::min(from, haystack.size()), haystack.end(),
                        needle.begin(), needle.end(),
                        [](char a, char b) { return AsciiLower(a) == b; });
  return it == haystack.end() ? std::string_view::npos : it - haystack.begin();
}

struct NamedReference {
  std::string_view name;
  char32_t code_point;
};

// The references news pages actually use. Names are case-sensitive, as in HTML.
constexpr NamedReference kNamedReferences[] = {
    {"amp", '&'},       {"lt", '<'},         {"gt", '>'},         {"quot", '"'},
    {"apos", '\''},     {"nbsp", 0x00A0},    {"shy", 0x00AD},     {"auml", 0x00E4},
    {"ouml", 0x00F6},   {"uuml", 0x00FC},    {"Auml", 0x00C4},    {"Ouml", 0x00D6},
    {"Uuml", 0x00DC},   {"szlig", 0x00DF},   {"eacute", 0x00E9},  {"egrave", 0x00E8},
    {"aacute", 0x00E1}, {"agrave", 0x00E0},  {"ccedil", 0x00E7},  {"Eacute", 0x00C9},
    {"ndash", 0x2013},  {"mdash", 0x2014},   {"hellip", 0x2026},  {"laquo", 0x00AB},
    {"raquo", 0x00BB},  {"lsaquo", 0x2039},  {"rsaquo", 0x203A},  {"bdquo", 0x201E},
    {"ldquo", 0x201C},  {"rdquo", 0x201D},   {"sbquo", 0x201A},   {"lsquo", 0x2018},
    {"rsquo", 0x2019},  {"euro", 0x20AC},    {"pound", 0x00A3},   {"copy", 0x00A9},
    {"reg", 0x00AE},    {"trade", 0x2122},   {"deg", 0x00B0},     {"middot", 0x00B7},
    {"bull", 0x2022},   {"sect", 0x00A7},    {"para", 0x00B6},    {"times", 0x00D7},
    {"divide", 0x00F7}, {"plusmn", 0x00B1},  {"frac12", 0x00BD},  {"thinsp", 0x2009},
    {"ensp", 0x2002},   {"emsp", 0x2003},    {"zwnj", 0x200C},    {"zwj", 0x200D},
};

// Windows-1252 meanings of 0x80..0x9F, which browsers give numeric references
// in that range; 0 where the code page leaves a hole.
constexpr char32_t kWindows1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

char32_t NumericReferenceValue(uint32_t value) {
  if (value >= 0x80 && value <= 0x9F) {
    const char32_t mapped = kWindows1252High[value - 0x80];
    return mapped != 0 ? mapped : kReplacement;
  }
  if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return kReplacement;
  const bool allowed_control = value == '\t' || value == '\n' || value == '\r' || value == '\f';
  if ((value < 0x20 && !allowed_control) || value == 0x7F) return kReplacement;
  return value;
}

// Decodes the character reference at html[i] == '&' into `out` and returns
// the index after it; a '&' that starts no known reference is kept literally.
size_t DecodeReference(std::string_view html, size_t i, std::string& out) {
  const size_t n = html.size();
  size_t j = i + 1;
  if (j < n && html[j] == '#') {
    ++j;
    const bool hex = j < n && (html[j] == 'x' || html[j] == 'X');
    if (hex) ++j;
    const size_t digits_begin = j;
    uint32_t value = 0;
    while (j < n && (hex ? IsAsciiHexDigit(html[j]) : IsAsciiDigit(html[j]))) {
      const char c = html[j];
      const uint32_t digit = IsAsciiDigit(c) ? c - '0' : AsciiLower(c) - 'a' + 10;
      // Saturate: anything past U+10FFFF is invalid anyway.
      value = value > 0x10FFFF ? value : value * (hex ? 16 : 10) + digit;
      ++j;
    }
    if (j == digits_begin) {
      out += '&';
      return i + 1;
    }
    if (j < n && html[j] == ';') ++j;  // Optional, as browsers accept.
    AppendUtf8(NumericReferenceValue(value), out);
    return j;
  }
  constexpr size_t kLongestName = 8;
  while (j < n && j - (i + 1) <= kLongestName && (IsAsciiAlpha(html[j]) || IsAsciiDigit(html[j]))) {
    ++j;
  }
  if (j < n && html[j] == ';') {
    const std::string_view name = html.substr(i + 1, j - (i + 1));
    for (const NamedReference& reference : kNamedReferences) {
      if (reference.name == name) {
        AppendUtf8(reference.code_point, out);
        return j + 1;
      }
    }
  }
  out += '&';
  return i + 1;
}

// Appends `text` to `out`, decoding character references.
void AppendDecoded(std::string_view text, std::string& out) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t amp = text.find('&', i);
    if (amp == std::string_view::npos) {
      out.append(text.substr(i));
      return;
    }
    out.append(text.substr(i, amp - i));
    i = DecodeReference(text, amp, out);
  }
}

// What starts at a '<'.
struct Markup {
  enum class Type {
    kText,     // Not markup: a literal '<'.
    kIgnored,  // Comment, doctype, processing instruction.
    kTag,
  };
  Type type = Type::kText;
  std::string name;  // Lower-case tag name (kTag only).
  bool closing = false;
  bool self_closing = false;
  size_t end = 0;  // Index just past the markup.
};

// Reads the markup at html[i] == '<'. An unterminated comment or tag runs to
// the end of the input, as in browsers.
Markup ReadMarkup(std::string_view html, size_t i) {
  const size_t n = html.size();
  Markup markup;
  if (html.compare(i, 4, "<!--") == 0) {
    const size_t close = html.find("-->", i + 4);
    markup.type = Markup::Type::kIgnored;
    markup.end = close == std::string_view::npos ? n : close + 3;
    return markup;
  }
  if (i + 1 < n && (html[i + 1] == '!' || html[i + 1] == '?')) {
    const size_t close = html.find('>', i + 2);
    markup.type = Markup::Type::kIgnored;
    markup.end = close == std::string_view::npos ? n : close + 1;
    return markup;
  }
  size_t j = i + 1;
  markup.closing = j < n && html[j] == '/';
  if (markup.closing) ++j;
  if (j >= n || !IsAsciiAlpha(html[j])) {
    markup.end = i + 1;  // "a < b", "<3": text.
    return markup;
  }
  markup.type = Markup::Type::kTag;
  constexpr size_t kLongestName = 16;  // Longer names match nothing we handle.
  while (j < n && (IsAsciiAlpha(html[j]) || IsAsciiDigit(html[j]) || html[j] == '-' ||
                   html[j] == ':')) {
    if (markup.name.size() < kLongestName) markup.name += AsciiLower(html[j]);
    ++j;
  }
  // Attributes: a quote opens a value only right after '=' (spaces allowed),
  // so that a stray apostrophe cannot swallow the rest of the page.
  char quote = 0;
  char last_significant = 0;
  for (; j < n; ++j) {
    const char c = html[j];
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
        last_significant = c;
      }
      continue;
    }
    if ((c == '"' || c == '\'') && last_significant == '=') {
      quote = c;
      continue;
    }
    if (c == '>') break;
    if (!IsAsciiSpace(c)) last_significant = c;
  }
  markup.self_closing = last_significant == '/';
  markup.end = j < n ? j + 1 : n;
  return markup;
}

bool IsOneOf(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Elements whose content is not markup: skipped up to their end tag.
bool IsRawTextElement(std::string_view name) {
  return IsOneOf(name, {"script", "style", "noscript", "template", "iframe", "textarea", "xmp"});
}

// Elements skipped with everything inside them (counting nested ones).
bool IsSkippedElement(std::string_view name) {
  return IsOneOf(name, {"nav", "footer", "svg", "math"});
}

bool IsBlockElement(std::string_view name) {
  return IsOneOf(name, {"p",       "div",        "br",      "hr",         "li",     "ul",
                        "ol",      "dl",         "dt",      "dd",         "article", "section",
                        "header",  "main",       "aside",   "blockquote", "pre",    "figure",
                        "figcaption", "table",   "thead",   "tbody",      "tfoot",  "tr",
                        "caption", "address",    "form",    "fieldset",   "details", "summary",
                        "center",  "body",       "html",    "head",       "h1",     "h2",
                        "h3",      "h4",         "h5",      "h6"});
}

// Index just past the end tag `</name ...>` at or after `from`, or the input's
// end if there is none.
size_t SkipPastEndTag(std::string_view html, std::string_view name, size_t from) {
  size_t at = from;
  while (true) {
    at = html.find("</", at);
    if (at == std::string_view::npos) return html.size();
    at += 2;
    // Only the name is compared here: reading a whole tag at each "</" would
    // make "<script></a</a</a..." quadratic.
    const size_t after_name = at + name.size();
    if (after_name > html.size()) return html.size();
    bool same_name = true;
    for (size_t k = 0; k < name.size() && same_name; ++k) {
      same_name = AsciiLower(html[at + k]) == name[k];
    }
    if (!same_name) continue;
    if (after_name < html.size() && (IsAsciiAlpha(html[after_name]) ||
                                     IsAsciiDigit(html[after_name]) || html[after_name] == '-')) {
      continue;  // "</scripts>" does not end <script>.
    }
    const size_t close = html.find('>', after_name);
    return close == std::string_view::npos ? html.size() : close + 1;
  }
}

// Index just past the element `name` whose start tag ends at `from`,
// counting nested elements of the same name; comments and raw text inside
// are skipped so that a "</nav>" in a script does not end it.
size_t SkipElement(std::string_view html, std::string_view name, size_t from) {
  int depth = 1;
  size_t at = from;
  while (at < html.size()) {
    at = html.find('<', at);
    if (at == std::string_view::npos) return html.size();
    const Markup markup = ReadMarkup(html, at);
    at = markup.end;
    if (markup.type != Markup::Type::kTag) continue;
    if (!markup.closing && IsRawTextElement(markup.name)) {
      at = SkipPastEndTag(html, markup.name, at);
    } else if (markup.name == name && !markup.self_closing) {
      depth += markup.closing ? -1 : 1;
      if (depth == 0) return at;
    }
  }
  return html.size();
}

class Extractor {
 public:
  HtmlText Run(std::string_view html) {
    size_t i = 0;
    const size_t n = html.size();
    while (i < n) {
      const size_t special = html.find_first_of("<&", i);
      if (special == std::string_view::npos) {
        current_.append(html.substr(i));
        break;
      }
      current_.append(html.substr(i, special - i));
      if (html[special] == '&') {
        i = DecodeReference(html, special, current_);
        continue;
      }
      const Markup markup = ReadMarkup(html, special);
      i = markup.end;
      if (markup.type == Markup::Type::kText) {
        current_ += '<';
      } else if (markup.type == Markup::Type::kTag) {
        i = HandleTag(html, markup);
      }
    }
    EndBlock();
    return std::move(result_);
  }

 private:
  // Handles a tag ending at markup.end; returns where reading continues.
  size_t HandleTag(std::string_view html, const Markup& markup) {
    const std::string& name = markup.name;
    if (!markup.closing && IsRawTextElement(name)) {
      return SkipPastEndTag(html, name, markup.end);
    }
    if (!markup.closing && !markup.self_closing && IsSkippedElement(name)) {
      EndBlock();
      return SkipElement(html, name, markup.end);
    }
    if (name == "title") {
      if (markup.closing) return markup.end;
      // RCDATA: references but no tags, up to </title>.
      size_t close = FindIgnoringCase(html, "</title", markup.end);
      if (close == std::string_view::npos) close = html.size();
      if (result_.title.empty()) {
        AppendDecoded(html.substr(markup.end, close - markup.end), result_.title);
      }
      return SkipPastEndTag(html, "title", markup.end);
    }
    if (name == "a") {
      // Link text, for the boilerplate detector's link density.
      if (!markup.closing && !markup.self_closing && link_start_ < 0) {
        link_start_ = static_cast<int64_t>(current_.size());
      } else if (markup.closing && link_start_ >= 0) {
        link_bytes_ += current_.size() - static_cast<size_t>(link_start_);
        link_start_ = -1;
      }
      return markup.end;
    }
    if (name == "td" || name == "th") {
      current_ += ' ';
      return markup.end;
    }
    if (IsBlockElement(name)) {
      EndBlock();
      if (!markup.closing && name.size() == 2 && name[0] == 'h' && name[1] >= '1' &&
          name[1] <= '6') {
        kind_ = name[1] == '1' ? HtmlBlock::Kind::kHeading1 : HtmlBlock::Kind::kHeading;
      }
    }
    return markup.end;
  }

  void EndBlock() {
    const bool blank = std::all_of(current_.begin(), current_.end(), IsAsciiSpace);
    if (link_start_ >= 0) {
      link_bytes_ += current_.size() - static_cast<size_t>(link_start_);
      link_start_ = 0;  // the link goes on in the next block
    }
    if (!blank) {
      result_.blocks.push_back(HtmlBlock{kind_, std::move(current_)});
      result_.blocks.back().link_bytes = std::min(link_bytes_, result_.blocks.back().text.size());
    }
    current_.clear();
    link_bytes_ = 0;
    kind_ = HtmlBlock::Kind::kBody;
  }

  HtmlText result_;
  std::string current_;
  int64_t link_start_ = -1;  // offset in current_ where an open <a> began
  size_t link_bytes_ = 0;    // bytes of current_ inside <a> elements
  HtmlBlock::Kind kind_ = HtmlBlock::Kind::kBody;
};

}  // namespace

HtmlText ExtractHtmlText(std::string_view html) { return Extractor().Run(html); }

}  // namespace korpus::ingest
