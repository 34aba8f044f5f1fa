#include "libs/nlp/extract/quotes.h"

#include <algorithm>
#include <array>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "libs/nlp/extract/extract_util.h"

namespace korpus::nlp {
namespace {

using extract_internal::FirstWord;
using extract_internal::kNone;
using extract_internal::LemmaOf;
using extract_internal::LowerToken;
using extract_internal::SentenceOfToken;
using extract_internal::StartsUpperCase;
using extract_internal::TokenAtOrAfter;
using extract_internal::UposOf;

// ---------------------------------------------------------------------------
// Quotation marks.

constexpr char32_t kLowDouble = 0x201E;    // „
constexpr char32_t kLeftDouble = 0x201C;   // “
constexpr char32_t kRightDouble = 0x201D;  // ”
constexpr char32_t kLowSingle = 0x201A;    // ‚
constexpr char32_t kLeftSingle = 0x2018;   // ‘
constexpr char32_t kRightSingle = 0x2019;  // ’ (also the apostrophe)
constexpr char32_t kRightGuillemet = 0xBB;  // »
constexpr char32_t kLeftGuillemet = 0xAB;   // «
constexpr char32_t kSingleRight = 0x203A;   // ›
constexpr char32_t kSingleLeft = 0x2039;    // ‹

// The quotation mark at byte i, with its length; 0 when there is none.
char32_t MarkAt(std::string_view text, size_t i, size_t& length) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c == '"') {
    length = 1;
    return '"';
  }
  if (c == 0xC2 && i + 1 < text.size()) {
    const auto d = static_cast<unsigned char>(text[i + 1]);
    if (d == 0xBB || d == 0xAB) {
      length = 2;
      return d;
    }
  }
  if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80) {
    const auto d = static_cast<unsigned char>(text[i + 2]);
    if (d == 0x9E || d == 0x9C || d == 0x9D || d == 0x9A || d == 0x98 || d == 0x99 || d == 0xB9 ||
        d == 0xBA) {
      length = 3;
      return 0x2000 + (d - 0x80);
    }
  }
  length = 0;
  return 0;
}

bool IsSpaceByte(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// True when the byte at i begins a letter or digit (ASCII, or any non-ASCII
// lead byte other than the punctuation block E2 80 xx and the NBSP).
bool IsWordByteAt(std::string_view text, size_t i) {
  if (i >= text.size()) return false;
  const auto c = static_cast<unsigned char>(text[i]);
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  if (c < 0x80) return false;
  if (c == 0xE2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80) {
    return false;
  }
  if (c == 0xC2) return false;  // NBSP, guillemets, other Latin-1 punctuation
  return c >= 0xC3;
}

bool CanClose(char32_t open, char32_t mark, bool word_follows) {
  switch (open) {
    case kLowDouble:
      return mark == kLeftDouble || mark == kRightDouble || mark == '"';
    case kLeftDouble:
      return mark == kRightDouble;
    case '"':
      return mark == '"';
    case kRightGuillemet:
      return mark == kLeftGuillemet;
    case kLeftGuillemet:
      return mark == kRightGuillemet;
    case kLowSingle:
      return mark == kLeftSingle || (mark == kRightSingle && !word_follows);
    case kLeftSingle:
      return mark == kRightSingle && !word_follows;
    case kSingleRight:
      return mark == kSingleLeft;
    case kSingleLeft:
      return mark == kSingleRight;
    default:
      return false;
  }
}

// „ ‚ » › only ever open (in German typesetting).
bool AlwaysOpens(char32_t mark) {
  return mark == kLowDouble || mark == kLowSingle || mark == kRightGuillemet || mark == kSingleRight;
}

// " “ « ‹ ‘ open when they stand before a word and after a space, line
// start, bracket, dash, colon or another opening mark.
bool MayOpen(char32_t mark) {
  return mark == '"' || mark == kLeftDouble || mark == kLeftGuillemet || mark == kSingleLeft ||
         mark == kLeftSingle;
}

// True when the code point before byte i allows an ambiguous mark to open
// a quote: line start, space, bracket, colon, hyphen, dash, NBSP or another
// quotation mark.
bool OpeningContext(std::string_view text, size_t i) {
  if (i == 0) return true;
  const auto before = static_cast<unsigned char>(text[i - 1]);
  if (before < 0x80) {
    return IsSpaceByte(static_cast<char>(before)) || before == '(' || before == '[' ||
           before == ':' || before == '-' || before == '/';
  }
  size_t start = i - 1;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
  const std::string_view prev = text.substr(start, i - start);
  if (prev == "\xC2\xA0" || prev == "\xE2\x80\x93" || prev == "\xE2\x80\x94") return true;
  size_t length = 0;
  return MarkAt(text, start, length) != 0 && start + length == i;
}

struct Span {
  uint32_t open = 0;       // byte offset of the opening mark
  uint32_t open_len = 0;
  uint32_t close = 0;      // byte offset of the closing mark
  uint32_t close_len = 0;
};

std::vector<Span> PairMarks(std::string_view text) {
  struct Open {
    char32_t mark;
    uint32_t pos;
    uint32_t len;
  };
  constexpr size_t kMaxDepth = 8;
  std::vector<Span> spans;
  std::vector<Open> stack;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '\n' && i + 1 < text.size() && text[i + 1] == '\n') {
      stack.clear();  // quotes do not run over paragraphs
      i += 2;
      continue;
    }
    size_t length = 0;
    const char32_t mark = MarkAt(text, i, length);
    if (length == 0) {
      ++i;
      continue;
    }
    const bool word_follows = IsWordByteAt(text, i + length);
    // Close the innermost quote this mark can close.
    size_t k = stack.size();
    while (k > 0 && !CanClose(stack[k - 1].mark, mark, word_follows)) --k;
    bool closes = k > 0;
    // An ASCII " or “ after a space and before a word opens rather than
    // closing an outer quote of another kind.
    if (closes && k < stack.size() && MayOpen(mark) && word_follows) closes = false;
    if (closes) {
      const Open open = stack[k - 1];
      stack.resize(k - 1);
      if (i > open.pos + open.len) {
        spans.push_back(Span{open.pos, open.len, static_cast<uint32_t>(i),
                             static_cast<uint32_t>(length)});
      }
    } else if (stack.size() < kMaxDepth) {
      bool opens = AlwaysOpens(mark);
      if (!opens && MayOpen(mark) && word_follows) opens = OpeningContext(text, i);
      if (opens) stack.push_back(Open{mark, static_cast<uint32_t>(i), static_cast<uint32_t>(length)});
    }
    i += length;
  }
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.open < b.open; });
  return spans;
}

// ---------------------------------------------------------------------------
// Word lists.

constexpr std::string_view kSpeechLemmas[] = {
    "sagen",       "erklären",     "bemerken",   "betonen",     "warnen",      "äußern",
    "meinen",      "sprechen",     "hinzufügen", "ergänzen",    "berichten",   "mitteilen",
    "schreiben",   "antworten",    "fragen",     "kritisieren", "versprechen", "bezeichnen",
    "beschreiben", "nennen",       "argumentieren", "hervorheben", "erläutern",
    "behaupten",   "verkünden",    "ankündigen", "kommentieren", "einräumen",  "bekräftigen",
    "versichern",  "fordern",      "mahnen",     "klagen",      "beklagen",    "loben",
    "rufen",       "schildern",    "bestätigen", "zitieren",    "entgegnen",   "erwidern",
    "widersprechen", "zugeben",    "feststellen", "verweisen",  "unterstreichen", "twittern",
    "schimpfen",   "drohen",       "appellieren", "resümieren", "urteilen",    "folgern",
    "festhalten",  "hoffen",       "glauben",    "vermuten",    "räumen",      "fügen",
    "teilen",
};

// Common finite forms, for analyses without a lemmatizer.
constexpr std::pair<std::string_view, std::string_view> kSpeechForms[] = {
    {"sagte", "sagen"},       {"sagt", "sagen"},        {"sagten", "sagen"},
    {"erklärte", "erklären"}, {"erklärt", "erklären"},  {"erklärten", "erklären"},
    {"bemerkte", "bemerken"}, {"bemerkt", "bemerken"},  {"betonte", "betonen"},
    {"betont", "betonen"},    {"warnte", "warnen"},     {"warnt", "warnen"},
    {"äußerte", "äußern"},    {"meinte", "meinen"},     {"meint", "meinen"},
    {"ergänzte", "ergänzen"}, {"berichtete", "berichten"}, {"schrieb", "schreiben"},
    {"antwortete", "antworten"}, {"fragte", "fragen"},  {"kritisierte", "kritisieren"},
    {"versprach", "versprechen"}, {"bezeichnete", "bezeichnen"}, {"beschrieb", "beschreiben"},
    {"nannte", "nennen"},     {"argumentierte", "argumentieren"}, {"unterstrich", "unterstreichen"},
    {"erläuterte", "erläutern"}, {"behauptete", "behaupten"}, {"bestätigte", "bestätigen"},
    {"warnten", "warnen"},    {"betonten", "betonen"},  {"erklären", "erklären"},
    {"fügte", "hinzufügen"},  {"räumte", "einräumen"},  {"teilte", "mitteilen"},
    {"kündigte", "ankündigen"}, {"sagen", "sagen"},     {"mahnte", "mahnen"},
    {"forderte", "fordern"},  {"kommentierte", "kommentieren"}, {"schilderte", "schildern"},
};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Titles and roles that stand before a name or for a person. Returns the
// key under which the title is remembered ("Finanzminister" and "der
// Minister" share "minister", "Nvidia-CEO" and "der CEO" share "ceo"), or
// "" for no title.
std::string_view TitleKey(std::string_view lower) {
  static constexpr std::string_view kExact[] = {"frau", "herr", "herrn", "dr.", "prof."};
  for (std::string_view t : kExact) {
    if (lower == t) return t;
  }
  static constexpr std::string_view kSuffixes[] = {
      "präsidentin", "präsident",  "ministerin", "minister",     "kanzlerin",  "kanzler",
      "chefin",      "chef",       "ceo",        "direktorin",   "direktor",   "vorsitzende",
      "vorsitzender", "senatorin", "senator",    "bürgermeisterin", "bürgermeister",
  };
  for (std::string_view t : kSuffixes) {
    if (EndsWith(lower, t)) return t;
  }
  return "";
}

bool IsTitle(std::string_view lower) { return !TitleKey(lower).empty(); }

bool IsSpokesperson(std::string_view lower) {
  return EndsWith(lower, "sprecher") || EndsWith(lower, "sprecherin") ||
         EndsWith(lower, "sprecherinnen");
}

enum class Gender : uint8_t { kUnknown, kFemale, kMale };

// How far (in tokens) speaker and cue searches look, so that the work per
// quote is bounded even in a text without sentence ends.
constexpr uint32_t kWindow = 60;

// ---------------------------------------------------------------------------
// The extractor.

struct Candidate {
  int32_t entity = -1;
  uint32_t begin = 0;
  uint32_t end = 0;
  SpeakerResolution resolution = SpeakerResolution::kNone;
  bool found = false;
  bool person_like = false;  // PER, pronoun, title, spokesperson
};

class QuoteExtractor {
 public:
  QuoteExtractor(std::string_view text, const AnalyzedText& analysis)
      : text_(text), a_(analysis), tokens_(analysis.tokens) {
    token_entity_ = extract_internal::TokenEntities(analysis);
    lower_.reserve(tokens_.size());
    for (const Token& token : tokens_) lower_.push_back(LowerToken(text, token));
    in_quote_.assign(tokens_.size(), false);
    LearnTitlesAndGenders();
  }

  std::vector<Quote> Run();

 private:
  bool IsPunct(uint32_t t, std::string_view p) const { return t < tokens_.size() && lower_[t] == p; }
  bool IsStop(uint32_t t) const {
    const std::string& s = lower_[t];
    return s == "." || s == ";" || s == ":" || s == "!" || s == "?" ||
           (tokens_[t].kind == TokenKind::kPunctuation && MarkLike(t));
  }
  bool MarkLike(uint32_t t) const {
    size_t length = 0;
    return MarkAt(text_, tokens_[t].begin, length) != 0;
  }
  // The lemma of a speech verb at t, or "" .
  std::string_view SpeechVerb(uint32_t t) const;
  EntityType TypeOf(int32_t e) const { return a_.entities[e].type; }
  // The mention of entity e that holds token t.
  const MentionRef* MentionAt(int32_t e, uint32_t t) const;

  void LearnTitlesAndGenders();
  Candidate CandidateAt(uint32_t t, uint32_t limit) const;
  Candidate ResolvePronoun(uint32_t t) const;
  Candidate FindForward(uint32_t from, uint32_t limit, bool persons_only) const;
  Candidate FindSubject(uint32_t sentence_begin, uint32_t verb, uint32_t limit) const;
  void Classify(Quote& quote) const;
  void FindSpeaker(Quote& quote) const;
  void FindBlockQuotes(std::vector<Quote>& quotes) const;
  static void SetSpeaker(Quote& quote, const Candidate& c, const std::vector<Entity>& entities);

  std::string_view text_;
  const AnalyzedText& a_;
  const std::vector<Token>& tokens_;
  std::vector<int32_t> token_entity_;
  std::vector<std::string> lower_;
  std::vector<bool> in_quote_;
  std::vector<Gender> gender_;                                 // per entity
  absl::flat_hash_map<std::string, int32_t> title_entity_;    // title key -> person
  absl::flat_hash_map<std::string, int32_t> surname_entity_;  // last word of a name -> person
};

std::string_view QuoteExtractor::SpeechVerb(uint32_t t) const {
  if (t >= tokens_.size() || tokens_[t].kind != TokenKind::kWord) return "";
  const std::string_view upos = UposOf(a_, t);
  if (upos != "_" && upos != "VERB") return "";
  // The common forms first: the lemmatizer sometimes adds a separable
  // prefix ("warnte" -> "vorwarnen").
  for (const auto& [form, l] : kSpeechForms) {
    if (form == lower_[t]) return l;
  }
  const std::string_view lemma = LemmaOf(a_, t);
  for (std::string_view l : kSpeechLemmas) {
    if (l == lemma) return l;
  }
  return "";
}

const MentionRef* QuoteExtractor::MentionAt(int32_t e, uint32_t t) const {
  for (const MentionRef& m : a_.entities[e].mentions) {
    if (m.first_token <= t && t < m.first_token + m.token_count) return &m;
  }
  return nullptr;
}

void QuoteExtractor::LearnTitlesAndGenders() {
  gender_.assign(a_.entities.size(), Gender::kUnknown);
  for (size_t e = 0; e < a_.entities.size(); ++e) {
    if (a_.entities[e].type != EntityType::kPer) continue;
    const std::string& name = a_.entities[e].canonical_name;
    surname_entity_.emplace(name.substr(name.rfind(' ') + 1), static_cast<int32_t>(e));
    for (const MentionRef& m : a_.entities[e].mentions) {
      if (m.first_token == 0) continue;
      const std::string& before = lower_[m.first_token - 1];
      if (before == "frau") gender_[e] = Gender::kFemale;
      if (before == "herr" || before == "herrn") gender_[e] = Gender::kMale;
      if (IsTitle(before)) {
        title_entity_.emplace(std::string(TitleKey(before)), static_cast<int32_t>(e));
      }
    }
  }
}

// A speaker candidate starting at token t (looking no further than limit).
Candidate QuoteExtractor::CandidateAt(uint32_t t, uint32_t limit) const {
  Candidate c;
  limit = std::min<uint32_t>(limit, static_cast<uint32_t>(tokens_.size()));
  if (t >= tokens_.size() || in_quote_[t]) return c;
  const std::string& lower = lower_[t];
  const int32_t e = token_entity_[t];
  // "ein Sprecher von Nvidia", "die Nvidia-Sprecherin".
  if (IsSpokesperson(lower)) {
    uint32_t begin = tokens_[t].begin;
    if (t > 0 && UposOf(a_, t - 1) == "DET") begin = tokens_[t - 1].begin;
    if (e >= 0 && TypeOf(e) == EntityType::kOrg) {
      return Candidate{e, begin, tokens_[t].end, SpeakerResolution::kSpokesperson, true, true};
    }
    for (uint32_t u = t + 1; u < limit && u <= t + 5; ++u) {
      const int32_t f = token_entity_[u];
      if (f >= 0 && TypeOf(f) != EntityType::kPer) {
        const MentionRef* m = MentionAt(f, u);
        return Candidate{f, begin, m != nullptr ? m->end : tokens_[u].end,
                         SpeakerResolution::kSpokesperson, true, true};
      }
      if (IsStop(u) || lower_[u] == ",") break;
    }
    return Candidate{-1, begin, tokens_[t].end, SpeakerResolution::kSpokesperson, true, true};
  }
  // "Frau Chen", "Präsident Trump", "der Minister".
  if (IsTitle(lower) && e < 0) {
    uint32_t begin = tokens_[t].begin;
    if (t > 0 && UposOf(a_, t - 1) == "DET") begin = tokens_[t - 1].begin;
    const uint32_t next = t + 1;
    if (next < limit && next < tokens_.size()) {
      const int32_t f = token_entity_[next];
      if (f >= 0 && TypeOf(f) == EntityType::kPer) {
        const MentionRef* m = MentionAt(f, next);
        return Candidate{f, begin, m != nullptr ? m->end : tokens_[next].end,
                         SpeakerResolution::kTitle, true, true};
      }
      const std::string_view word = tokens_[next].Text(text_);
      if (tokens_[next].kind == TokenKind::kWord && StartsUpperCase(word) &&
          UposOf(a_, next) != "NOUN") {
        // A surname the NER missed: the person whose name ends in it.
        if (auto it = surname_entity_.find(std::string(word)); it != surname_entity_.end()) {
          return Candidate{it->second, begin, tokens_[next].end, SpeakerResolution::kTitle, true,
                           true};
        }
        return Candidate{-1, begin, tokens_[next].end, SpeakerResolution::kTitle, true, true};
      }
    }
    if (UposOf(a_, t) == "NOUN" || UposOf(a_, t) == "_") {
      auto it = title_entity_.find(std::string(TitleKey(lower)));
      if (it != title_entity_.end()) {
        return Candidate{it->second, begin, tokens_[t].end, SpeakerResolution::kTitle, true, true};
      }
    }
    return c;
  }
  if (e >= 0) {
    const MentionRef* m = MentionAt(e, t);
    const EntityType type = TypeOf(e);
    uint32_t begin = m != nullptr ? m->begin : tokens_[t].begin;
    SpeakerResolution resolution = SpeakerResolution::kName;
    if (t > 0 && m != nullptr && m->first_token == t && IsTitle(lower_[t - 1]) &&
        token_entity_[t - 1] < 0) {
      begin = tokens_[t - 1].begin;
      resolution = SpeakerResolution::kTitle;
    }
    return Candidate{e, begin, m != nullptr ? m->end : tokens_[t].end, resolution, true,
                     type == EntityType::kPer};
  }
  if ((lower == "er" || lower == "sie") && (UposOf(a_, t) == "PRON" || UposOf(a_, t) == "_")) {
    return ResolvePronoun(t);
  }
  if (UposOf(a_, t) == "PROPN" && StartsUpperCase(tokens_[t].Text(text_))) {
    uint32_t u = t + 1;
    while (u < limit && u < tokens_.size() && UposOf(a_, u) == "PROPN" && token_entity_[u] < 0) ++u;
    return Candidate{-1, tokens_[t].begin, tokens_[u - 1].end, SpeakerResolution::kName, true, false};
  }
  return c;
}

Candidate QuoteExtractor::ResolvePronoun(uint32_t t) const {
  Candidate c{-1, tokens_[t].begin, tokens_[t].end, SpeakerResolution::kPronoun, true, true};
  const bool female = lower_[t] == "sie";
  if (female) {
    // "sie" is also "they": the number of the finite verb next to it decides
    // (the pronoun's own features are unreliable at a sentence start).
    for (uint32_t v : {t + 1, t - 1}) {
      if (v >= tokens_.size()) continue;
      const Word* verb = FirstWord(a_, v);
      if (verb == nullptr || verb->feats.find("VerbForm=Fin") == std::string_view::npos) continue;
      if (verb->feats.find("Number=Plur") != std::string_view::npos) return c;
      break;
    }
  }
  auto fits = [&](int32_t e) {
    if (e < 0 || TypeOf(e) != EntityType::kPer) return false;
    return gender_[e] == Gender::kUnknown || (gender_[e] == Gender::kFemale) == female;
  };
  // The nearest person before the pronoun in its sentence, else the first
  // person (the likely subject) of each earlier sentence, up to four back.
  if (a_.sentences.empty()) return c;
  const uint32_t s = SentenceOfToken(a_.sentences, t);
  const uint32_t floor = std::max(a_.sentences[s].first_token, t > kWindow ? t - kWindow : 0);
  for (uint32_t u = t; u > floor;) {
    --u;
    if (fits(token_entity_[u])) {
      c.entity = token_entity_[u];
      return c;
    }
  }
  for (uint32_t back = 1; back <= 4 && back <= s; ++back) {
    const Sentence& sentence = a_.sentences[s - back];
    const uint32_t end = sentence.first_token + std::min(sentence.token_count, kWindow);
    for (uint32_t u = sentence.first_token; u < end; ++u) {
      if (!in_quote_[u] && fits(token_entity_[u])) {
        c.entity = token_entity_[u];
        return c;
      }
    }
  }
  return c;
}

Candidate QuoteExtractor::FindForward(uint32_t from, uint32_t limit, bool persons_only) const {
  for (uint32_t t = from; t < limit && t < tokens_.size(); ++t) {
    if (IsStop(t)) break;
    Candidate c = CandidateAt(t, limit);
    if (c.found && (!persons_only || c.person_like)) return c;
    if (c.found && c.entity >= 0) {
      const MentionRef* m = MentionAt(c.entity, t);
      if (m != nullptr) t = m->first_token + m->token_count - 1;
    }
  }
  return Candidate{};
}

// The subject of the verb at `verb` in a sentence starting at
// sentence_begin: a person (or pronoun/title/spokesperson) between the last
// comma and the verb; else, inverted, the first person or organisation
// after the verb (up to limit); else the first person of the sentence
// before the verb; else the first organisation there.
Candidate QuoteExtractor::FindSubject(uint32_t sentence_begin, uint32_t verb, uint32_t limit) const {
  sentence_begin = std::max(sentence_begin, verb > kWindow ? verb - kWindow : 0);
  uint32_t clause = sentence_begin;
  for (uint32_t t = verb; t > sentence_begin;) {
    --t;
    if (lower_[t] == ",") {
      clause = t + 1;
      break;
    }
  }
  Candidate c = FindForward(clause, verb, /*persons_only=*/true);
  if (c.found) return c;
  // Inverted: a person or organisation right after the verb; a place there
  // is more often the object ("beschrieb Chinas Schritt").
  for (uint32_t t = verb + 1; t < std::min<uint32_t>(limit, verb + 10) && !IsStop(t); ++t) {
    c = CandidateAt(t, limit);
    if (!c.found) continue;
    if (c.person_like || (c.entity >= 0 && TypeOf(c.entity) == EntityType::kOrg)) return c;
    if (c.entity >= 0) {
      const MentionRef* m = MentionAt(c.entity, t);
      if (m != nullptr) t = m->first_token + m->token_count - 1;
    }
  }
  Candidate org;
  for (uint32_t t = sentence_begin; t < verb; ++t) {
    Candidate d = CandidateAt(t, verb);
    if (!d.found) continue;
    if (d.person_like) return d;
    if (!org.found && d.entity >= 0 && TypeOf(d.entity) == EntityType::kOrg) org = d;
  }
  return org;
}

void QuoteExtractor::SetSpeaker(Quote& quote, const Candidate& c,
                                const std::vector<Entity>& entities) {
  if (!c.found) return;
  quote.speaker_entity = c.entity;
  if (c.entity >= 0) quote.speaker_entity_id = entities[c.entity].entity_id;
  quote.speaker_begin = c.begin;
  quote.speaker_end = c.end;
  quote.resolution = c.resolution;
}

void QuoteExtractor::Classify(Quote& quote) const {
  const uint32_t first = TokenAtOrAfter(tokens_, quote.begin);
  int words = 0;
  bool has_verb = false, has_article = false, tagged = false;
  std::string_view last_upos;
  for (uint32_t t = first; t < tokens_.size() && tokens_[t].end <= quote.end; ++t) {
    const TokenKind kind = tokens_[t].kind;
    if (kind == TokenKind::kPunctuation || kind == TokenKind::kSymbol) continue;
    ++words;
    const std::string_view upos = UposOf(a_, t);
    tagged = tagged || upos != "_";
    has_verb = has_verb || upos == "VERB" || upos == "AUX";
    has_article = has_article || upos == "DET" || upos == "PRON";
    last_upos = upos;
  }
  // The last character inside the marks.
  char last = quote.end > quote.begin ? text_[quote.end - 1] : ' ';
  const bool sentence_end = last == '.' || last == '!' || last == '?' || last == ',' ||
                            EndsWith(text_.substr(0, quote.end), "…");
  // What precedes the opening mark: the start of a sentence, or a colon.
  uint32_t before = quote.outer_begin;
  while (before > 0 && IsSpaceByte(text_[before - 1])) --before;
  const char prev = before > 0 ? text_[before - 1] : '\n';
  const bool after_colon = prev == ':';
  const bool opens_sentence = prev == '\n' || prev == '.' || prev == '!' || prev == '?' || before == 0;
  if (words <= 1 && !sentence_end) {
    quote.kind = QuoteKind::kTerm;
  } else if (sentence_end || after_colon || (opens_sentence && words >= 3)) {
    quote.kind = QuoteKind::kDirect;
  } else if (words <= 3 && tagged && !has_verb && !has_article &&
             (last_upos == "NOUN" || last_upos == "PROPN" || last_upos == "X")) {
    quote.kind = QuoteKind::kTerm;
  } else {
    quote.kind = QuoteKind::kPartial;
  }
}

void QuoteExtractor::FindSpeaker(Quote& quote) const {
  if (a_.sentences.empty()) return;
  const uint32_t t_open = TokenAtOrAfter(tokens_, quote.outer_begin);
  const uint32_t t_close = TokenAtOrAfter(tokens_, quote.outer_end - 1);
  if (t_open >= tokens_.size()) return;
  const uint32_t s_open = SentenceOfToken(a_.sentences, t_open);
  const uint32_t open_sentence_begin =
      std::max(a_.sentences[s_open].first_token, t_open > kWindow ? t_open - kWindow : 0);

  auto set_cue = [&](CueKind kind, std::string_view cue, uint32_t t) {
    quote.cue_kind = kind;
    quote.cue = std::string(cue);
    quote.cue_begin = tokens_[t].begin;
    quote.cue_end = tokens_[t].end;
  };

  // 1. After the closing mark: „…“, sagte X / „…“, so X / „…?“ fragte X.
  uint32_t t = t_close + 1;
  if (t < tokens_.size()) {
    const char last = text_[quote.end - 1];
    bool comma = false;
    if (lower_[t] == ",") {
      comma = true;
      ++t;
    }
    if (t < tokens_.size() && (comma || last == '!' || last == '?')) {
      const uint32_t s_after = SentenceOfToken(a_.sentences, t);
      const uint32_t limit = std::min<uint32_t>(
          a_.sentences[s_after].first_token + a_.sentences[s_after].token_count, t + 14);
      if (std::string_view verb = SpeechVerb(t); !verb.empty()) {
        Candidate c = FindForward(t + 1, limit, /*persons_only=*/false);
        set_cue(CueKind::kVerb, verb, t);
        SetSpeaker(quote, c, a_.entities);
        return;
      }
      if (lower_[t] == "so" || lower_[t] == "laut") {
        Candidate c = FindForward(t + 1, limit, /*persons_only=*/false);
        if (c.found) {
          set_cue(lower_[t] == "so" ? CueKind::kSo : CueKind::kLaut, lower_[t], t);
          SetSpeaker(quote, c, a_.entities);
          return;
        }
      }
    }
  }

  // 2. Before the opening mark, after a colon: X sagte: „…“ / Laut X: „…“.
  // 3. Otherwise the verb, "laut" or "zufolge" nearest to the quote in its
  //    sentence (partial quotes, "bezeichnete ihn als „…“").
  const uint32_t s_close = SentenceOfToken(a_.sentences, std::min<uint32_t>(t_close, tokens_.size() - 1));
  const uint32_t close_sentence_end =
      std::min(a_.sentences[s_close].first_token + a_.sentences[s_close].token_count,
               t_close + 1 + kWindow);
  auto scan = [&](uint32_t from, uint32_t to, bool backward) -> bool {
    for (uint32_t k = 0; k < to - from; ++k) {
      const uint32_t u = backward ? to - 1 - k : from + k;
      if (in_quote_[u]) continue;
      if (lower_[u] == "laut") {
        Candidate c = FindForward(u + 1, std::min<uint32_t>(u + 8, tokens_.size()), false);
        if (c.found) {
          set_cue(CueKind::kLaut, "laut", u);
          SetSpeaker(quote, c, a_.entities);
          return true;
        }
      }
      if (lower_[u] == "zufolge") {
        for (uint32_t v = u; v > from && v + 6 > u;) {
          --v;
          if (token_entity_[v] >= 0) {
            Candidate c = CandidateAt(v, u);
            set_cue(CueKind::kZufolge, "zufolge", u);
            SetSpeaker(quote, c, a_.entities);
            return true;
          }
        }
      }
      if (std::string_view verb = SpeechVerb(u); !verb.empty()) {
        const uint32_t s = SentenceOfToken(a_.sentences, u);
        Candidate c = FindSubject(a_.sentences[s].first_token, u, backward ? t_open : close_sentence_end);
        set_cue(CueKind::kVerb, verb, u);
        SetSpeaker(quote, c, a_.entities);
        return true;
      }
    }
    return false;
  };
  if (t_open > open_sentence_begin && scan(open_sentence_begin, t_open, /*backward=*/true)) return;
  if (quote.kind == QuoteKind::kPartial && t_close + 1 < close_sentence_end &&
      scan(t_close + 1, close_sentence_end, /*backward=*/false)) {
    return;
  }
}

void QuoteExtractor::FindBlockQuotes(std::vector<Quote>& quotes) const {
  // Paragraphs: maximal runs of non-newline bytes.
  struct Para {
    uint32_t begin, end;
  };
  std::vector<Para> paras;
  for (size_t i = 0; i < text_.size();) {
    while (i < text_.size() && (text_[i] == '\n' || text_[i] == ' ')) ++i;
    const size_t begin = i;
    while (i < text_.size() && text_[i] != '\n') ++i;
    size_t end = i;
    while (end > begin && text_[end - 1] == ' ') --end;
    if (end > begin) paras.push_back(Para{static_cast<uint32_t>(begin), static_cast<uint32_t>(end)});
  }
  auto is_dash_line = [&](const Para& p) {
    const std::string_view s = text_.substr(p.begin, p.end - p.begin);
    if (s.size() > 250) return false;
    size_t skip = 0;
    if (s.rfind("\xE2\x80\x93", 0) == 0 || s.rfind("\xE2\x80\x94", 0) == 0 ||
        s.rfind("\xE2\x80\x95", 0) == 0) {
      skip = 3;
    } else if (s.rfind("- ", 0) == 0) {
      skip = 1;
    } else {
      return false;
    }
    while (skip < s.size() && s[skip] == ' ') ++skip;
    return skip < s.size() && StartsUpperCase(s.substr(skip));
  };
  // The quotes found by their marks, sorted by opening mark (PairMarks);
  // block quotes without marks are appended after them.
  const size_t marked = quotes.size();
  quotes.reserve(marked + paras.size());  // keeps `block` pointers valid
  for (size_t k = 1; k < paras.size(); ++k) {
    if (!is_dash_line(paras[k]) || is_dash_line(paras[k - 1])) continue;
    const Para& body = paras[k - 1];
    // The block: a quote spanning the paragraph, or the paragraph itself.
    Quote* block = nullptr;
    auto it = std::lower_bound(quotes.begin(), quotes.begin() + marked, body.begin,
                               [](const Quote& q, uint32_t begin) { return q.outer_begin < begin; });
    if (it != quotes.begin() + marked && it->outer_begin == body.begin &&
        it->outer_end >= body.end - 1) {
      block = &*it;  // the outermost quote opening there (pairs sorted by opening)
    }
    if (block == nullptr) {
      Quote q;
      q.begin = q.outer_begin = body.begin;
      q.end = q.outer_end = body.end;
      quotes.push_back(q);
      block = &quotes.back();
    }
    block->kind = QuoteKind::kBlock;
    // The speaker: the first person named on the attribution line, else
    // its first organisation, else its first capitalised words.
    const uint32_t first = TokenAtOrAfter(tokens_, paras[k].begin);
    const uint32_t last = TokenAtOrAfter(tokens_, paras[k].end);
    Candidate best;
    for (uint32_t t = first + 1; t < last; ++t) {
      Candidate c = CandidateAt(t, last);
      if (c.found && c.entity >= 0 && TypeOf(c.entity) == EntityType::kPer) {
        best = c;
        break;
      }
      if (c.found && !best.found) best = c;
    }
    if (!best.found && first + 1 < last && StartsUpperCase(tokens_[first + 1].Text(text_))) {
      uint32_t t = first + 1;
      while (t + 1 < last && StartsUpperCase(tokens_[t + 1].Text(text_)) && lower_[t + 1] != ",") ++t;
      best = Candidate{-1, tokens_[first + 1].begin, tokens_[t].end, SpeakerResolution::kName, true};
    }
    SetSpeaker(*block, best, a_.entities);
    block->cue_kind = CueKind::kAttribution;
    block->cue = "–";
    if (first < tokens_.size()) {
      block->cue_begin = tokens_[first].begin;
      block->cue_end = tokens_[first].end;
    }
  }
}

std::vector<Quote> QuoteExtractor::Run() {
  std::vector<Quote> quotes;
  for (const Span& span : PairMarks(text_)) {
    Quote q;
    q.outer_begin = span.open;
    q.outer_end = span.close + span.close_len;
    q.begin = span.open + span.open_len;
    q.end = span.close;
    while (q.begin < q.end && IsSpaceByte(text_[q.begin])) ++q.begin;
    while (q.end > q.begin && IsSpaceByte(text_[q.end - 1])) --q.end;
    if (q.end > q.begin) quotes.push_back(q);
  }
  FindBlockQuotes(quotes);
  std::sort(quotes.begin(), quotes.end(), [](const Quote& a, const Quote& b) {
    return a.outer_begin != b.outer_begin ? a.outer_begin < b.outer_begin : a.outer_end > b.outer_end;
  });
  // Nesting: the innermost enclosing quote.
  std::vector<int32_t> open;
  for (size_t k = 0; k < quotes.size(); ++k) {
    while (!open.empty() && quotes[open.back()].outer_end <= quotes[k].outer_begin) open.pop_back();
    quotes[k].parent = open.empty() ? -1 : open.back();
    open.push_back(static_cast<int32_t>(k));
  }
  for (Quote& q : quotes) {
    if (q.kind != QuoteKind::kBlock) Classify(q);
    if (q.kind == QuoteKind::kTerm || q.parent >= 0) continue;
    for (uint32_t t = TokenAtOrAfter(tokens_, q.outer_begin);
         t < tokens_.size() && tokens_[t].begin < q.outer_end; ++t) {
      in_quote_[t] = true;
    }
  }
  for (Quote& q : quotes) {
    if (q.parent >= 0 || q.kind == QuoteKind::kBlock) continue;
    const QuoteKind kind = q.kind;
    FindSpeaker(q);
    // A quoted word with a cue of its own („Nein“, sagte sie) is speech.
    if (kind == QuoteKind::kTerm) {
      const bool direct_cue = q.cue_kind != CueKind::kNone && q.cue_begin >= q.outer_end &&
                              q.cue_begin <= q.outer_end + 3;
      if (direct_cue) {
        q.kind = QuoteKind::kDirect;
      } else {
        const QuoteKind keep = q.kind;
        const int32_t parent = q.parent;
        q = Quote{q.begin, q.end, q.outer_begin, q.outer_end, keep, parent};
      }
    }
  }
  return quotes;
}

}  // namespace

std::string_view QuoteKindName(QuoteKind kind) {
  switch (kind) {
    case QuoteKind::kDirect: return "direct";
    case QuoteKind::kPartial: return "partial";
    case QuoteKind::kBlock: return "block";
    case QuoteKind::kTerm: return "term";
  }
  return "unknown";
}

std::string_view SpeakerResolutionName(SpeakerResolution r) {
  switch (r) {
    case SpeakerResolution::kNone: return "none";
    case SpeakerResolution::kName: return "name";
    case SpeakerResolution::kPronoun: return "pronoun";
    case SpeakerResolution::kTitle: return "title";
    case SpeakerResolution::kSpokesperson: return "spokesperson";
  }
  return "unknown";
}

std::string_view CueKindName(CueKind kind) {
  switch (kind) {
    case CueKind::kNone: return "none";
    case CueKind::kVerb: return "verb";
    case CueKind::kSo: return "so";
    case CueKind::kLaut: return "laut";
    case CueKind::kZufolge: return "zufolge";
    case CueKind::kAttribution: return "attribution";
  }
  return "unknown";
}

bool IsSpeechVerbLemma(std::string_view lemma) {
  return std::find(std::begin(kSpeechLemmas), std::end(kSpeechLemmas), lemma) != std::end(kSpeechLemmas);
}

std::vector<Quote> ExtractQuotes(std::string_view text, const AnalyzedText& analysis) {
  return QuoteExtractor(text, analysis).Run();
}

}  // namespace korpus::nlp
