#include "libs/ingest/normalizer.h"

#include <openssl/evp.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/ingest/html_text.h"
#include "libs/ingest/unicode_text.h"

namespace korpus::ingest {
namespace {

// Keeps code point offsets (int32 in document.proto) far from overflow.
constexpr size_t kLargestArticleLimit = size_t{1} << 30;

// Lines of hard-wrapped text are at most this long (in code points); typical
// wrap widths are 72 to 80.
constexpr int64_t kLongestWrappedLine = 100;

struct Block {
  v1::ParagraphKind kind = v1::PARAGRAPH_KIND_BODY;
  std::string text;  // Cleaned, non-empty.
  double link_density = 0;  // HTML: share of link text
};

// The cleaned paragraphs of text input (see normalizer.h, step 3).
std::vector<Block> TextBlocks(std::string_view content) {
  // Split into raw lines; an empty view marks the blank line of U+2029.
  std::vector<std::string_view> raw_lines;
  const auto* s = reinterpret_cast<const uint8_t*>(content.data());
  const int32_t length = static_cast<int32_t>(content.size());
  int32_t line_begin = 0;
  for (int32_t i = 0; i < length;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    const bool line_break = c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0x85 ||
                            c == 0x2028 || c == 0x2029;
    if (!line_break) continue;
    raw_lines.push_back(content.substr(line_begin, start - line_begin));
    if (c == 0x2029) raw_lines.emplace_back();
    if (c == '\r' && i < length && content[i] == '\n') ++i;
    line_begin = i;
  }
  raw_lines.push_back(content.substr(line_begin));

  std::vector<std::string> lines;
  lines.reserve(raw_lines.size());
  for (std::string_view raw : raw_lines) lines.push_back(CleanParagraph(raw));

  // Joining lines is right only for hard-wrapped text: a blank line between
  // two non-blank ones, and (nearly) every line that continues on the next
  // one short, as wrapping leaves it. Otherwise every line is a paragraph.
  bool blank_separates = false;
  bool seen_text = false;
  bool blank_after_text = false;
  int continued_lines = 0;
  int short_continued_lines = 0;
  for (size_t k = 0; k < lines.size(); ++k) {
    const std::string& line = lines[k];
    if (line.empty()) {
      blank_after_text = seen_text;
      continue;
    }
    if (blank_after_text) blank_separates = true;
    blank_after_text = false;
    seen_text = true;
    if (k + 1 < lines.size() && !lines[k + 1].empty()) {
      ++continued_lines;
      short_continued_lines += CodePointCount(line) <= kLongestWrappedLine;
    }
  }
  const bool hard_wrapped =
      blank_separates && short_continued_lines * 10 >= continued_lines * 9;

  std::vector<Block> blocks;
  if (!hard_wrapped) {
    for (std::string& line : lines) {
      if (!line.empty()) blocks.push_back(Block{v1::PARAGRAPH_KIND_BODY, std::move(line)});
    }
    return blocks;
  }
  std::string paragraph;
  for (std::string& line : lines) {
    if (line.empty()) {
      if (!paragraph.empty()) blocks.push_back(Block{v1::PARAGRAPH_KIND_BODY, std::move(paragraph)});
      paragraph.clear();
    } else {
      if (!paragraph.empty()) paragraph += ' ';
      paragraph += line;
    }
  }
  if (!paragraph.empty()) blocks.push_back(Block{v1::PARAGRAPH_KIND_BODY, std::move(paragraph)});
  return blocks;
}

// Marks short unpunctuated paragraphs between paragraphs as headings; blocks[0]
// is never one (it has no body paragraph before it).
void MarkTextHeadings(std::vector<Block>& blocks, size_t max_heading_chars) {
  for (size_t k = 1; k + 1 < blocks.size(); ++k) {
    if (blocks[k - 1].kind == v1::PARAGRAPH_KIND_BODY &&
        LooksLikeTitle(blocks[k].text, max_heading_chars)) {
      blocks[k].kind = v1::PARAGRAPH_KIND_HEADING;
    }
  }
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &digest_length, EVP_sha256(), nullptr) != 1) {
    return "";
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), digest_length));
}

absl::Status ValidateMetadata(const google::protobuf::Map<std::string, std::string>& metadata,
                              const NormalizerOptions& options) {
  if (metadata.size() > options.max_metadata_entries) {
    return absl::InvalidArgumentError(absl::StrCat("RawArticle.metadata has ", metadata.size(),
                                                   " entries; the limit is ",
                                                   options.max_metadata_entries));
  }
  for (const auto& [key, value] : metadata) {
    if (key.empty()) return absl::InvalidArgumentError("RawArticle.metadata has an empty key");
    if (absl::Status status = ValidateUtf8Text(key, "RawArticle.metadata key"); !status.ok()) {
      return status;
    }
    const std::string field = absl::StrCat("RawArticle.metadata[\"", absl::Utf8SafeCHexEscape(key),
                                           "\"]");
    if (key.size() > options.max_metadata_key_bytes) {
      return absl::InvalidArgumentError(absl::StrCat(field, " has a key of ", key.size(),
                                                     " bytes; the limit is ",
                                                     options.max_metadata_key_bytes));
    }
    if (value.size() > options.max_metadata_value_bytes) {
      return absl::InvalidArgumentError(absl::StrCat(field, " is ", value.size(),
                                                     " bytes; the limit is ",
                                                     options.max_metadata_value_bytes));
    }
    if (absl::Status status = ValidateUtf8Text(value, field); !status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace

bool LooksLikeTitle(std::string_view paragraph, size_t max_chars) {
  if (paragraph.empty() || static_cast<size_t>(CodePointCount(paragraph)) > max_chars) {
    return false;
  }
  const auto* s = reinterpret_cast<const uint8_t*>(paragraph.data());
  int32_t i = static_cast<int32_t>(paragraph.size());
  bool has_letter = false;
  for (int32_t j = 0; j < i && !has_letter;) {
    UChar32 c;
    U8_NEXT(s, j, i, c);
    has_letter = c >= 0 && u_isalpha(c);
  }
  if (!has_letter) return false;  // "***", "2025": separators, not titles.
  // The last character that is not a closing quote or bracket.
  while (i > 0) {
    UChar32 c;
    U8_PREV(s, 0, i, c);
    const int8_t type = static_cast<int8_t>(u_charType(c));
    if (type == U_FINAL_PUNCTUATION || type == U_INITIAL_PUNCTUATION || type == U_END_PUNCTUATION ||
        c == '"' || c == '\'') {
      continue;
    }
    return !(c == '.' || c == '!' || c == '?' || c == 0x2026 || c == ':' || c == ';' || c == ',');
  }
  return false;
}

absl::StatusOr<Normalizer> Normalizer::Create(
    const NormalizerOptions& options, std::shared_ptr<const LanguageIdentifier> language,
    std::shared_ptr<const BoilerplateModel> boilerplate_model) {
  if (options.max_article_bytes == 0 || options.max_article_bytes > kLargestArticleLimit) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_article_bytes must be between 1 and ", kLargestArticleLimit, ", not ",
        options.max_article_bytes));
  }
  if (options.max_metadata_entries == 0 || options.max_metadata_key_bytes == 0 ||
      options.max_metadata_value_bytes == 0 || options.max_title_chars == 0 ||
      options.max_heading_chars == 0) {
    return absl::InvalidArgumentError("NormalizerOptions limits must be positive");
  }
  if (absl::Status status = ValidateLanguagePolicy(options.language); !status.ok()) {
    return status;
  }
  if (language == nullptr) language = std::make_shared<Cld2LanguageIdentifier>();
  return Normalizer(options, std::move(language), std::move(boilerplate_model));
}

Normalizer::Normalizer(const NormalizerOptions& options,
                       std::shared_ptr<const LanguageIdentifier> language,
                       std::shared_ptr<const BoilerplateModel> boilerplate_model)
    : options_(options),
      language_(std::move(language)),
      boilerplate_model_(std::move(boilerplate_model)) {}

absl::StatusOr<v1::Document> Normalizer::Normalize(const v1::RawArticle& article) const {
  absl::StatusOr<NormalizedArticle> normalized = NormalizeArticle(article);
  if (!normalized.ok()) return normalized.status();
  return std::move(normalized->document);
}

absl::StatusOr<NormalizedArticle> Normalizer::NormalizeArticle(
    const v1::RawArticle& article) const {
  const std::string& content = article.content();
  if (content.size() > options_.max_article_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "RawArticle.content is ", content.size(), " bytes; the limit is ",
        options_.max_article_bytes, " (--max_article_bytes)"));
  }
  if (absl::Status status = ValidateUtf8Text(content, "RawArticle.content"); !status.ok()) {
    return status;
  }
  if (absl::Status status = ValidateUtf8Text(article.title(), "RawArticle.title"); !status.ok()) {
    return status;
  }
  if (absl::Status status = ValidateUtf8Text(article.source_uri(), "RawArticle.source_uri");
      !status.ok()) {
    return status;
  }
  if (absl::Status status = ValidateMetadata(article.metadata(), options_); !status.ok()) {
    return status;
  }

  // Paragraphs of the content, and the title candidate the format offers.
  std::vector<Block> blocks;
  std::string title;
  switch (article.format()) {
    case v1::CONTENT_FORMAT_UNSPECIFIED:
    case v1::CONTENT_FORMAT_TEXT:
      blocks = TextBlocks(content);
      break;
    case v1::CONTENT_FORMAT_HTML: {
      HtmlText page = ExtractHtmlText(content);
      bool have_h1 = false;
      for (HtmlBlock& html_block : page.blocks) {
        std::string text = CleanParagraph(html_block.text);
        if (text.empty()) continue;
        v1::ParagraphKind kind = v1::PARAGRAPH_KIND_BODY;
        if (html_block.kind == HtmlBlock::Kind::kHeading1) {
          if (!have_h1) {
            // The first <h1> is the headline: the title (below), not a heading.
            have_h1 = true;
            kind = v1::PARAGRAPH_KIND_TITLE;
          } else {
            kind = v1::PARAGRAPH_KIND_HEADING;
          }
        } else if (html_block.kind == HtmlBlock::Kind::kHeading) {
          kind = v1::PARAGRAPH_KIND_HEADING;
        }
        const double link_density =
            html_block.text.empty() ? 0 : double(html_block.link_bytes) / html_block.text.size();
        blocks.push_back(Block{kind, std::move(text), link_density});
      }
      // Without an <h1>, <title> is the title (often with the site's name).
      if (!have_h1) title = CleanParagraph(page.title);
      break;
    }
    default:
      return absl::InvalidArgumentError(absl::StrCat("RawArticle.format ", article.format(),
                                                     " is not a known ContentFormat"));
  }
  if (blocks.empty()) {
    return absl::InvalidArgumentError("RawArticle.content is empty after whitespace folding");
  }

  // The title: explicit, else the format's candidate, else the first text
  // paragraph if it looks like one.
  const std::string explicit_title = CleanParagraph(article.title());
  auto title_block = std::find_if(blocks.begin(), blocks.end(), [](const Block& block) {
    return block.kind == v1::PARAGRAPH_KIND_TITLE;
  });
  if (!explicit_title.empty()) {
    title = explicit_title;
    if (title_block != blocks.end()) {
      if (title_block->text == title) {
        blocks.erase(title_block);
      } else {
        title_block->kind = v1::PARAGRAPH_KIND_HEADING;
      }
    } else if (blocks.front().text == title) {
      blocks.erase(blocks.begin());
    }
  } else if (title_block != blocks.end()) {
    title = std::move(title_block->text);
    blocks.erase(title_block);
  } else if (title.empty() && blocks.size() >= 2 &&
             LooksLikeTitle(blocks.front().text, options_.max_title_chars)) {
    // Text, or HTML with neither <h1> nor <title>: the same rule for both,
    // so that the normalised text, normalised again as text, keeps its
    // title and loses no paragraph as a repeated title.
    title = std::move(blocks.front().text);
    blocks.erase(blocks.begin());
  }
  if (article.format() != v1::CONTENT_FORMAT_HTML) {
    MarkTextHeadings(blocks, options_.max_heading_chars);
  }
  if (!title.empty()) blocks.insert(blocks.begin(), Block{v1::PARAGRAPH_KIND_TITLE, title});

  NormalizedArticle result;
  if (options_.remove_boilerplate) {
    std::vector<BoilerplateBlock> view;
    view.reserve(blocks.size());
    for (const Block& block : blocks) {
      view.push_back(BoilerplateBlock{block.text, block.kind == v1::PARAGRAPH_KIND_TITLE,
                                      block.kind == v1::PARAGRAPH_KIND_HEADING,
                                      block.link_density});
    }
    const std::vector<BoilerplateDecision> decisions =
        ClassifyBoilerplate(view, boilerplate_model_.get(), options_.boilerplate);
    // Never remove everything: a document of furniture alone stays as it is.
    const bool keeps_some = std::any_of(decisions.begin(), decisions.end(),
                                        [](const BoilerplateDecision& d) { return !d.remove; });
    std::vector<Block> kept;
    kept.reserve(blocks.size());
    for (size_t k = 0; k < blocks.size(); ++k) {
      if (decisions[k].remove && keeps_some) {
        result.removed.push_back(RemovedBlock{std::move(blocks[k].text), blocks[k].kind,
                                              decisions[k].signals, decisions[k].points,
                                              static_cast<int32_t>(kept.size())});
      } else {
        kept.push_back(std::move(blocks[k]));
      }
    }
    blocks = std::move(kept);
  }
  {
    std::vector<BoilerplateBlock> view;
    view.reserve(blocks.size());
    for (const Block& block : blocks) {
      view.push_back(BoilerplateBlock{block.text, block.kind == v1::PARAGRAPH_KIND_TITLE,
                                      block.kind == v1::PARAGRAPH_KIND_HEADING});
    }
    result.faq = FindFaq(view);
  }

  v1::Document& document = result.document;
  std::string text;
  int64_t offset = 0;
  for (const Block& block : blocks) {
    if (!text.empty()) {
      text += "\n\n";
      offset += 2;
    }
    text += block.text;
    v1::Paragraph* paragraph = document.add_paragraphs();
    paragraph->set_kind(block.kind);
    paragraph->set_begin(static_cast<int32_t>(offset));
    offset += CodePointCount(block.text);
    paragraph->set_end(static_cast<int32_t>(offset));
  }
  absl::StatusOr<std::string> language =
      DecideLanguage(language_->Identify(text), options_.language);
  if (!language.ok()) return language.status();

  const std::string hash = Sha256Hex(text);
  if (hash.empty()) return absl::InternalError("SHA-256 of the normalised text failed");

  document.set_id(absl::StrCat("d", hash.substr(0, 24)));
  document.set_content_hash(hash);
  document.set_title(title);
  document.set_language(*std::move(language));
  document.set_char_count(static_cast<int32_t>(offset));
  document.set_text(std::move(text));
  document.set_source_uri(article.source_uri());
  if (article.has_published_at()) *document.mutable_published_at() = article.published_at();
  *document.mutable_metadata() = article.metadata();
  return result;
}

}  // namespace korpus::ingest
