#!/usr/bin/env node
// Renders and validates korpus's Kubernetes manifests offline.
//
//   node k8s.js render DIR     kubectl kustomize DIR, printed as one JSON array
//   node k8s.js validate DIR   renders, then checks every object against the
//                              Kubernetes OpenAPI schemas; exit 1 on a problem
//
// Validation is two checks, because neither catches everything alone:
//   1. kubernetes-models (ajv over the OpenAPI schemas): wrong types, missing
//      required fields, bad enum values and formats;
//   2. kubernetes-types + tsc --strict: every object becomes a typed object
//      literal, and TypeScript's excess-property check reports any field the
//      API does not have (a misspelt optional field such as "readinesProbe",
//      which the schemas allow because they do not forbid extra properties).
//
// The npm packages (package.json here) are installed by scripts/setup.sh into
// third_party/npm/deploy-tests; KORPUS_DEPLOY_NODE_MODULES overrides where
// they are, KUBECTL which kubectl to run.
'use strict';

const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const modulesDir = process.env.KORPUS_DEPLOY_NODE_MODULES ||
  path.resolve(__dirname, '../../third_party/npm/deploy-tests/node_modules');

function load(name) {
  try {
    return require(path.join(modulesDir, name));
  } catch (error) {
    fail(`cannot load the npm package ${name} from ${modulesDir} (run scripts/setup.sh): ` +
         error.message.split('\n')[0]);
  }
}

function fail(message) {
  process.stderr.write(`k8s.js: ${message}\n`);
  process.exit(1);
}

function render(dir) {
  const kubectl = process.env.KUBECTL || 'kubectl';
  let text;
  try {
    text = childProcess.execFileSync(kubectl, ['kustomize', dir],
                                     {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
  } catch (error) {
    fail(`kubectl kustomize ${dir} failed: ${(error.stderr || error.message).trim()}`);
  }
  const yaml = load('yaml');
  const objects = [];
  for (const document of yaml.parseAllDocuments(text)) {
    if (document.errors.length > 0) fail(`rendered YAML is invalid: ${document.errors[0].message}`);
    const object = document.toJS();
    if (object !== null && object !== undefined) objects.push(object);
  }
  return objects;
}

function describe(object) {
  return `${object.kind}/${(object.metadata || {}).name}`;
}

// "apps/v1" -> {group: "apps", version: "v1"}; "v1" -> {group: "", version: "v1"}.
function splitApiVersion(apiVersion) {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? {group: '', version: apiVersion}
                   : {group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1)};
}

// Check 1: the OpenAPI schemas, through kubernetes-models.
function validateSchemas(objects) {
  const problems = [];
  for (const object of objects) {
    if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
      problems.push(`${describe(object)}: apiVersion and kind are required`);
      continue;
    }
    const {group, version} = splitApiVersion(object.apiVersion);
    const modulePath = path.join('kubernetes-models', group, version, object.kind);
    let model;
    try {
      model = require(path.join(modulesDir, modulePath))[object.kind];
    } catch (error) {
      model = undefined;
    }
    if (model === undefined) {
      problems.push(`${describe(object)}: no schema for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new model(object).validate();
    } catch (error) {
      problems.push(`${describe(object)}: ${error.message}`);
    }
  }
  return problems;
}

// Check 2: exact field names and types, through kubernetes-types and tsc.
function validateFieldNames(objects) {
  // The file must sit below the folder holding node_modules, so that tsc
  // resolves "kubernetes-types/..." the ordinary way.
  const scratch = fs.mkdtempSync(path.join(path.dirname(modulesDir), 'check-'));
  try {
    const lines = [];
    const ranges = [];  // [first line, last line, object] per object
    objects.forEach((object, index) => {
      const {group, version} = splitApiVersion(object.apiVersion);
      // "networking.k8s.io" -> "networking"; the core group is "core".
      const typesGroup = group === '' ? 'core' : group.split('.')[0];
      lines.push(`import type { ${object.kind} as T${index} } from ` +
                 `"kubernetes-types/${typesGroup}/${version}";`);
    });
    objects.forEach((object, index) => {
      const first = lines.length + 1;
      lines.push(`// ${describe(object)}`);
      lines.push(...`export const o${index}: T${index} = ${JSON.stringify(object, null, 2)};`.split('\n'));
      ranges.push([first, lines.length, object]);
    });
    const file = path.join(scratch, 'objects.ts');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    fs.writeFileSync(path.join(scratch, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        noEmit: true, strict: true, skipLibCheck: true, types: [], module: 'commonjs',
        moduleResolution: 'node', target: 'es2020', pretty: false,
      },
      files: ['objects.ts'],
    }));
    const tsc = path.join(modulesDir, 'typescript', 'bin', 'tsc');
    const result = childProcess.spawnSync(process.execPath, [tsc, '-p', scratch], {encoding: 'utf8'});
    if (result.status === 0) return [];
    const problems = [];
    for (const line of (result.stdout + result.stderr).split('\n')) {
      const match = /objects\.ts\((\d+),(\d+)\): (.*)$/.exec(line);
      if (match === null) {
        if (line.trim() !== '') problems.push(line.trim());
        continue;
      }
      const at = Number(match[1]);
      const range = ranges.find(([first, last]) => at >= first && at <= last);
      const where = range ? describe(range[2]) : 'objects.ts';
      problems.push(`${where}: ${match[3]} (line: ${lines[at - 1].trim()})`);
    }
    return problems;
  } finally {
    fs.rmSync(scratch, {recursive: true, force: true});
  }
}

function main() {
  const [command, dir] = process.argv.slice(2);
  if (!['render', 'validate'].includes(command) || !dir) {
    fail('usage: k8s.js render|validate KUSTOMIZE_DIR');
  }
  const objects = render(dir);
  if (command === 'render') {
    process.stdout.write(JSON.stringify(objects) + '\n');
    return;
  }
  if (objects.length === 0) fail(`${dir} renders no objects`);
  const problems = [...validateSchemas(objects), ...validateFieldNames(objects)];
  if (problems.length > 0) {
    process.stderr.write(problems.map((problem) => `invalid: ${problem}\n`).join(''));
    process.exit(1);
  }
  process.stdout.write(`${dir}: ${objects.length} objects valid\n`);
}

main();
