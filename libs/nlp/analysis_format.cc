#include "libs/nlp/analysis_format.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/nlp/string_compat.h"

namespace korpus::nlp {
namespace {

std::string OneLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

// NER tag of each token ("B-PER", "I-ORGpart"); empty for tokens outside
// every mention.
std::vector<std::string> TokenNerTags(const AnalyzedText& analysis) {
  std::vector<std::string> tags;
  if (analysis.mentions.empty()) return tags;
  tags.resize(analysis.tokens.size());
  for (const Mention& mention : analysis.mentions) {
    for (uint32_t k = 0; k < mention.token_count; ++k) {
      tags[mention.first_token + k] = NerTagName(NerTag(mention.type, mention.subtype, k > 0));
    }
  }
  return tags;
}

}  // namespace

void AppendJsonString(std::string_view value, std::string& out) {
  out += '"';
  for (char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

namespace {

// CoNLL-U columns may not hold spaces/tabs; the tokenizer never emits them,
// but a form with one would break the format, so map them to U+00A0.
std::string ConlluField(std::string_view value) {
  if (value.empty()) return "_";
  std::string out;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      out += "\xC2\xA0";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::vector<ConlluSentence> ToConllu(std::string_view text, const AnalyzedText& analysis,
                                     std::string_view id_prefix) {
  std::vector<ConlluSentence> out;
  out.reserve(analysis.sentences.size());
  const std::vector<std::string> ner_tags = TokenNerTags(analysis);
  for (size_t s = 0; s < analysis.sentences.size(); ++s) {
    const Sentence& sentence = analysis.sentences[s];
    ConlluSentence conllu;
    conllu.sent_id = absl::StrCat(ToAbsl(id_prefix), s + 1);
    conllu.text = OneLine(text.substr(sentence.begin, sentence.end - sentence.begin));
    int word_id = 0;
    const uint32_t last_token = sentence.first_token + sentence.token_count;
    for (uint32_t t = sentence.first_token; t < last_token; ++t) {
      const Token& token = analysis.tokens[t];
      std::string misc = absl::StrCat("TokenRange=", token.begin, ":", token.end);
      if (t + 1 < last_token && analysis.tokens[t + 1].begin == token.end) {
        misc = absl::StrCat("SpaceAfter=No|", misc);
      }
      if (!ner_tags.empty() && !ner_tags[t].empty()) absl::StrAppend(&misc, "|NER=", ner_tags[t]);
      const uint32_t first_word = analysis.token_words[t];
      const uint32_t end_word = analysis.token_words[t + 1];
      if (end_word - first_word > 1) {
        ConlluRow range;
        range.type = ConlluRow::Type::kMultiwordToken;
        range.first = word_id + 1;
        range.last = word_id + static_cast<int>(end_word - first_word);
        range.id = absl::StrCat(range.first, "-", range.last);
        range.form = ConlluField(token.Text(text));
        range.misc = misc;
        conllu.rows.push_back(std::move(range));
        misc = "_";
      }
      for (uint32_t w = first_word; w < end_word; ++w) {
        const Word& word = analysis.words[w];
        ConlluRow row;
        row.first = row.last = ++word_id;
        row.id = absl::StrCat(word_id);
        row.form = ConlluField(word.form);
        row.lemma = ConlluField(word.lemma);
        row.upos = ConlluField(word.upos);
        row.xpos = ConlluField(word.xpos);
        row.feats = ConlluField(word.feats);
        row.misc = misc;
        conllu.rows.push_back(std::move(row));
      }
    }
    out.push_back(std::move(conllu));
  }
  return out;
}

std::string ToJson(std::string_view text, const AnalyzedText& analysis,
                   std::string_view model_name, std::string_view model_version) {
  std::string out = "{\"model\":{\"name\":";
  AppendJsonString(model_name, out);
  out += ",\"version\":";
  AppendJsonString(model_version, out);
  out += "},\"sentences\":[";
  for (size_t s = 0; s < analysis.sentences.size(); ++s) {
    const Sentence& sentence = analysis.sentences[s];
    if (s > 0) out += ',';
    absl::StrAppend(&out, "{\"begin\":", sentence.begin, ",\"end\":", sentence.end, ",\"text\":");
    AppendJsonString(text.substr(sentence.begin, sentence.end - sentence.begin), out);
    out += ",\"tokens\":[";
    for (uint32_t t = sentence.first_token; t < sentence.first_token + sentence.token_count; ++t) {
      const Token& token = analysis.tokens[t];
      if (t > sentence.first_token) out += ',';
      absl::StrAppend(&out, "{\"begin\":", token.begin, ",\"end\":", token.end, ",\"text\":");
      AppendJsonString(token.Text(text), out);
      out += ",\"kind\":";
      AppendJsonString(TokenKindName(token.kind), out);
      out += ",\"words\":[";
      for (uint32_t w = analysis.token_words[t]; w < analysis.token_words[t + 1]; ++w) {
        const Word& word = analysis.words[w];
        if (w > analysis.token_words[t]) out += ',';
        out += "{\"form\":";
        AppendJsonString(word.form, out);
        out += ",\"lemma\":";
        AppendJsonString(word.lemma, out);
        out += ",\"upos\":";
        AppendJsonString(word.upos, out);
        out += ",\"xpos\":";
        AppendJsonString(word.xpos, out);
        out += ",\"feats\":";
        AppendJsonString(word.feats, out);
        out += '}';
      }
      out += "]}";
    }
    out += "]}";
  }
  out += ']';
  if (!analysis.entities.empty()) {
    out += ",\"entities\":[";
    for (size_t e = 0; e < analysis.entities.size(); ++e) {
      const Entity& entity = analysis.entities[e];
      if (e > 0) out += ',';
      out += "{\"id\":";
      AppendJsonString(entity.entity_id, out);
      out += ",\"name\":";
      AppendJsonString(entity.canonical_name, out);
      out += ",\"type\":";
      AppendJsonString(EntityTypeName(entity.type), out);
      absl::StrAppendFormat(&out, ",\"salience\":%.4f,\"aliases\":[", entity.salience);
      for (size_t a = 0; a < entity.aliases.size(); ++a) {
        if (a > 0) out += ',';
        AppendJsonString(entity.aliases[a], out);
      }
      out += "],\"mentions\":[";
      for (size_t m = 0; m < entity.mentions.size(); ++m) {
        const MentionRef& mention = entity.mentions[m];
        if (m > 0) out += ',';
        absl::StrAppend(&out, "{\"begin\":", mention.begin, ",\"end\":", mention.end, ",\"text\":");
        AppendJsonString(mention.text, out);
        out += ",\"subtype\":";
        AppendJsonString(EntitySubtypeName(mention.subtype), out);
        out += '}';
      }
      out += "]}";
    }
    out += ']';
  }
  out += '}';
  return out;
}

std::string ToTable(std::string_view text, const AnalyzedText& analysis) {
  std::string out;
  const std::vector<std::string> ner_tags = TokenNerTags(analysis);
  for (size_t s = 0; s < analysis.sentences.size(); ++s) {
    const Sentence& sentence = analysis.sentences[s];
    if (s > 0) out += '\n';
    for (uint32_t t = sentence.first_token; t < sentence.first_token + sentence.token_count; ++t) {
      const Token& token = analysis.tokens[t];
      for (uint32_t w = analysis.token_words[t]; w < analysis.token_words[t + 1]; ++w) {
        const Word& word = analysis.words[w];
        absl::StrAppendFormat(&out, "%6u-%-6u %-24s %-20s %-6s %-7s %s", token.begin, token.end,
                              word.form, word.lemma, word.upos, word.xpos, word.feats);
        if (!ner_tags.empty() && !ner_tags[t].empty() && w == analysis.token_words[t]) {
          absl::StrAppend(&out, " ", ner_tags[t]);
        }
        out += '\n';
      }
    }
  }
  if (!analysis.entities.empty()) {
    out += "\nentities (most salient first):\n";
    for (const Entity& entity : analysis.entities) {
      absl::StrAppendFormat(&out, "%-3s %-32s salience %.2f  %s  %d mention(s):",
                            EntityTypeName(entity.type), entity.canonical_name, entity.salience,
                            entity.entity_id, entity.mentions.size());
      for (const MentionRef& mention : entity.mentions) {
        absl::StrAppendFormat(&out, " %u-%u", mention.begin, mention.end);
      }
      out += '\n';
    }
  }
  return out;
}

}  // namespace korpus::nlp
