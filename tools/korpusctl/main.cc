// korpusctl: command-line client of korpus-gateway. See commands.h.
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "libs/server/client_tls_flags.h"
#include "libs/server/process.h"
#include "libs/server/tls.h"
#include "tools/korpusctl/commands.h"

ABSL_FLAG(std::string, gateway, "127.0.0.1:50051",
          "gRPC target of korpus-gateway (env KORPUS_GATEWAY).");
ABSL_FLAG(bool, json, false,
          "Print responses as JSON, one object per line, instead of tables (env KORPUS_JSON).");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(30),
          "Deadline of each call; for ingest, of the whole stream, so raise it for large "
          "inputs (env KORPUS_TIMEOUT).");
ABSL_FLAG(std::string, view, "full", "get: basic, text or full (env KORPUS_VIEW).");
ABSL_FLAG(int, page_size, 0,
          "list, search: results per page; 0 is the server's default (env KORPUS_PAGE_SIZE).");
ABSL_FLAG(std::string, page_token, "",
          "list, search: start at this page, from a previous `more:` line (env "
          "KORPUS_PAGE_TOKEN).");
ABSL_FLAG(bool, all, false,
          "list, search: fetch every page. reannotate: every document (env KORPUS_ALL).");
ABSL_FLAG(std::string, state, "",
          "reannotate: the documents in this state: pending, annotated or failed (env "
          "KORPUS_STATE).");
ABSL_FLAG(std::string, query, "",
          "reannotate: the documents this search query finds, at most 1000 (env "
          "KORPUS_QUERY).");
ABSL_FLAG(std::string, stdin_format, "text",
          "ingest: how - (standard input) is read: text, html or jsonl (env "
          "KORPUS_STDIN_FORMAT).");

ABSL_FLAG(std::string, format, "",
          "annotate: output as conllu, json or table (default table; --json means json). "
          "export, import: jsonl (default) or binary (env KORPUS_FORMAT).");
ABSL_FLAG(std::string, input, "text",
          "annotate: input is raw text or pre-tokenised conllu (env KORPUS_INPUT).");
ABSL_FLAG(std::string, model_dir, "models",
          "annotate, ner: directory of the NLP model files (env KORPUS_MODEL_DIR).");
ABSL_FLAG(std::vector<std::string>, entity, {},
          "list, search: only documents that mention this entity (an id from `korpusctl "
          "entities`); repeat the flag or separate ids by commas for documents mentioning all "
          "of them. stories: only stories with a document that mentions it (one id) (env "
          "KORPUS_ENTITY, comma-separated).");
ABSL_FLAG(std::string, type, "",
          "entities: only entities of this type: PER, ORG, LOC or OTH (env KORPUS_TYPE).");
ABSL_FLAG(std::string, order, "documents",
          "entities: order by documents, salience (total) or mentions (env KORPUS_ORDER).");
ABSL_FLAG(std::string, prefix, "",
          "entities: only entities whose name starts with this, case-insensitive (env "
          "KORPUS_PREFIX).");

ABSL_FLAG(int, min_documents, 0,
          "stories: only stories with at least this many documents (env KORPUS_MIN_DOCUMENTS).");

ABSL_FLAG(std::string, speaker, "",
          "quotes: only quotes by this speaker (an entity id from `korpusctl entities`) (env "
          "KORPUS_SPEAKER).");
ABSL_FLAG(std::string, doc, "",
          "quotes, timeline: only those of this document id (env KORPUS_DOC).");
ABSL_FLAG(std::string, text, "",
          "quotes: only quotes containing every word of this, whole words, case-insensitive "
          "(env KORPUS_TEXT).");
ABSL_FLAG(bool, terms, false,
          "quotes: also list quoted terms (single quoted words without speaker) (env "
          "KORPUS_TERMS).");
ABSL_FLAG(std::string, from, "",
          "timeline: only dates whose period ends on or after this; list, search: only "
          "documents published on or after its start (UTC): YYYY, YYYY-MM or YYYY-MM-DD "
          "(env KORPUS_FROM).");
ABSL_FLAG(std::string, to, "",
          "timeline: only dates whose period starts on or before this; list, search: only "
          "documents published before its end (UTC): YYYY, YYYY-MM or YYYY-MM-DD (env "
          "KORPUS_TO).");
ABSL_FLAG(bool, months, false,
          "search: also print how many of all matching documents were published in each month "
          "(UTC) (env KORPUS_MONTHS).");
ABSL_FLAG(std::string, source, "",
          "list, search: only documents whose source URI starts with this (env "
          "KORPUS_SOURCE).");
ABSL_FLAG(std::vector<std::string>, entity_type, {},
          "list, search: only documents that mention an entity of this type (PER, ORG, LOC or "
          "OTH); repeat the flag or separate types by commas for any of them (env "
          "KORPUS_ENTITY_TYPE, comma-separated).");
ABSL_FLAG(std::string, story, "",
          "list, search: only documents of this story (an id from `korpusctl stories`) (env "
          "KORPUS_STORY).");
ABSL_FLAG(int, top_entities, 0,
          "search: also print the N entities that most of all matching documents mention, at "
          "most 100 (env KORPUS_TOP_ENTITIES).");
ABSL_FLAG(bool, unresolved, false,
          "timeline: also list dates that could not be resolved (\"am Freitag\"), last (env "
          "KORPUS_UNRESOLVED).");

ABSL_FLAG(std::string, cursor, "",
          "watch: resume after this cursor, the last one printed (env KORPUS_CURSOR).");
ABSL_FLAG(bool, from_now, false,
          "watch: only documents that become searchable from now on (env KORPUS_FROM_NOW).");
ABSL_FLAG(int, count, 0,
          "watch: stop after this many documents; 0: run until interrupted (env "
          "KORPUS_COUNT).");

ABSL_FLAG(std::string, token, "",
          "Bearer token sent with every call, for a gateway with access control (env "
          "KORPUS_TOKEN; prefer the environment: the command line is visible to other users).");

int main(int argc, char** argv) {
  const std::string description = absl::StrCat(
      "command-line client of korpus-gateway.\n\n"
      "Usage: korpusctl [--gateway=HOST:PORT] [--token=T] [--tls_ca_file=PEM] [--json] [--timeout=30s]\n"
      "                 COMMAND [ARGS...]\n"
      "Flags may also follow the command.\n\nCommands:\n",
      korpus::ctl::CommandsHelp(),
      "\nExit codes: 0 success; 1 the call failed (its gRPC status is printed on stderr)\n"
      "or an article was rejected; 2 bad usage.");
  const std::vector<std::string> args = korpus::InitProcess(
      argc, argv, {.name = "korpusctl", .description = description, .log_to_stderr = true},
      /*handle_shutdown_signals=*/false);

  korpus::ctl::Options options;
  options.gateway = absl::GetFlag(FLAGS_gateway);
  options.token = absl::GetFlag(FLAGS_token);
  absl::StatusOr<std::optional<korpus::ClientTls>> tls =
      korpus::LoadClientTls(korpus::ClientTlsFilesFromFlags());
  if (!tls.ok()) {
    std::cerr << "korpusctl: " << tls.status().message() << "\n";
    return 2;
  }
  options.tls = *std::move(tls);
  options.json = absl::GetFlag(FLAGS_json);
  options.timeout = absl::GetFlag(FLAGS_timeout);
  options.view = absl::GetFlag(FLAGS_view);
  options.page_size = absl::GetFlag(FLAGS_page_size);
  options.page_token = absl::GetFlag(FLAGS_page_token);
  options.all = absl::GetFlag(FLAGS_all);
  options.state = absl::GetFlag(FLAGS_state);
  options.reannotate_query = absl::GetFlag(FLAGS_query);
  options.stdin_format = absl::GetFlag(FLAGS_stdin_format);
  const std::string format = absl::GetFlag(FLAGS_format);
  options.annotate_format = format.empty() ? "table" : format;
  options.transfer_format = format.empty() ? "jsonl" : format;
  options.annotate_input = absl::GetFlag(FLAGS_input);
  options.model_dir = absl::GetFlag(FLAGS_model_dir);
  // --entity may be repeated; absl keeps only the last, so the command line
  // is read for all of them (the environment's value applies otherwise).
  options.entity_ids =
      korpus::ctl::RepeatedFlagValues(std::vector<std::string>(argv + 1, argv + argc), "entity");
  if (options.entity_ids.empty()) options.entity_ids = absl::GetFlag(FLAGS_entity);
  options.entity_type = absl::GetFlag(FLAGS_type);
  options.entity_order = absl::GetFlag(FLAGS_order);
  options.name_prefix = absl::GetFlag(FLAGS_prefix);
  options.speaker = absl::GetFlag(FLAGS_speaker);
  options.document_id = absl::GetFlag(FLAGS_doc);
  options.quote_text = absl::GetFlag(FLAGS_text);
  options.include_terms = absl::GetFlag(FLAGS_terms);
  options.from = absl::GetFlag(FLAGS_from);
  options.source_prefix = absl::GetFlag(FLAGS_source);
  options.months = absl::GetFlag(FLAGS_months);
  options.entity_types = korpus::ctl::RepeatedFlagValues(
      std::vector<std::string>(argv + 1, argv + argc), "entity_type");
  if (options.entity_types.empty()) options.entity_types = absl::GetFlag(FLAGS_entity_type);
  options.story_id = absl::GetFlag(FLAGS_story);
  options.top_entities = absl::GetFlag(FLAGS_top_entities);
  options.to = absl::GetFlag(FLAGS_to);
  options.include_unresolved = absl::GetFlag(FLAGS_unresolved);
  options.min_documents = absl::GetFlag(FLAGS_min_documents);
  options.cursor = absl::GetFlag(FLAGS_cursor);
  options.from_now = absl::GetFlag(FLAGS_from_now);
  options.count = absl::GetFlag(FLAGS_count);
  return korpus::ctl::Run(args, options);
}
