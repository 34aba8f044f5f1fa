// korpusctl's subcommands: a table of {name, usage, handler}, dispatched by
// Run(). main.cc only parses flags into Options and calls Run().
//
// Exit codes: 0 success, 1 the call failed (or, for ingest, an article was
// rejected), 2 bad usage.
#ifndef KORPUS_TOOLS_KORPUSCTL_COMMANDS_H_
#define KORPUS_TOOLS_KORPUSCTL_COMMANDS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "libs/server/tls.h"

namespace korpus::ctl {

// Every setting of korpusctl, copied from the flags by main.cc.
struct Options {
  // gRPC target of korpus-gateway.
  std::string gateway = "127.0.0.1:50051";
  // TLS towards the gateway (loaded by main.cc); nullopt: plaintext.
  std::optional<ClientTls> tls;
  // If non-empty, sent as "authorization: Bearer <token>" with every call.
  std::string token;
  // Print responses as JSON, one object per line, instead of tables.
  bool json = false;
  // Deadline of one call; for `ingest`, of the whole stream.
  absl::Duration timeout = absl::Seconds(30);
  // get: basic, text or full.
  std::string view = "full";
  // list, search: page size (0 = the server's default), token of the page
  // to start at, and whether to follow next_page_token to the end.
  int page_size = 0;
  std::string page_token;
  bool all = false;
  // ingest: how `-` (standard input) is read: text, html or jsonl.
  std::string stdin_format = "text";
  // annotate: output format (conllu, json, table), input format (text,
  // conllu) and the directory of the NLP models.
  std::string annotate_format = "table";
  std::string annotate_input = "text";
  std::string model_dir = "models";
  // export, import: jsonl or binary.
  std::string transfer_format = "jsonl";
  // list, search: only documents that mention every one of these entities.
  std::vector<std::string> entity_ids;
  // entities: only this type (PER, ORG, LOC or OTH; empty for all), in this
  // order (documents, salience or mentions), only names starting with
  // name_prefix (case-insensitive; empty for all).
  std::string entity_type;
  std::string entity_order = "documents";
  std::string name_prefix;
  // quotes: only quotes by this speaker (an entity id), of this document,
  // containing every word of quote_text; quoted terms too with
  // include_terms.
  std::string speaker;
  std::string document_id;
  std::string quote_text;
  bool include_terms = false;
  // timeline: only dates overlapping [from, to] ("YYYY", "YYYY-MM" or
  // "YYYY-MM-DD"; empty: open), of the sentences mentioning entity_ids[0]
  // and of document_id; unresolved dates too with include_unresolved.
  // list, search: only documents published in [from, to] (the same forms;
  // undated documents drop out when either is set) ...
  std::string from;
  std::string to;
  // ... and whose source_uri starts with source_prefix.
  std::string source_prefix;
  // search: also print the matching documents per month of publication.
  bool months = false;
  // list, search: only documents mentioning an entity of one of these types
  // (PER, ORG, LOC, OTH), and only documents of this story.
  std::vector<std::string> entity_types;
  std::string story_id;
  // search: also print this many entities that most matching documents
  // mention (0: none).
  int top_entities = 0;
  bool include_unresolved = false;
  // stories: only stories with at least this many documents (0: all).
  int min_documents = 0;
  // reannotate: the documents in this state (pending, annotated or
  // failed; empty: any), and those this search query finds (empty: any).
  std::string state;
  std::string reannotate_query;
  // watch: resume after this cursor (the last one printed), or start from
  // now; stop after `count` documents (0: when the gateway ends the watch
  // or the user interrupts it).
  std::string cursor;
  bool from_now = false;
  int count = 0;
};

// Every value of the flag --`name` in `args` (the command line without the
// program name), in order, each split at commas: "--entity=a --entity b,c"
// gives {a, b, c}. Stops at a bare "--". For flags that may be repeated,
// which absl's flags (last one wins) do not support.
std::vector<std::string> RepeatedFlagValues(const std::vector<std::string>& args,
                                            const std::string& name);

// The list of commands with their usage, for --help.
std::string CommandsHelp();

// Runs the command named by args[0] with the rest as its arguments; returns
// the process exit code. Output goes to stdout, errors to stderr.
int Run(const std::vector<std::string>& args, const Options& options);

}  // namespace korpus::ctl

#endif  // KORPUS_TOOLS_KORPUSCTL_COMMANDS_H_
