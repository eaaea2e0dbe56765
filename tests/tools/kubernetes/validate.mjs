// Validates rendered Kubernetes manifests (the output of `kubectl kustomize`) against the Kubernetes API schemas,
// as kubeconform -strict would:
//   1. every object's apiVersion/kind must be known (Kubernetes built-ins, Prometheus Operator monitoring.coreos.com);
//   2. the JSON schema of its kind (kubernetes-models' ajv validators): types, required fields, enums, formats;
//   3. no unknown field at any depth: each object is type-checked by TypeScript as an object literal of its kind's
//      interface, and excess property checks reject a field the API does not have (a misspelt
//      `imagePullPolicyy` three levels down included).
// Usage: node validate.mjs FILE.yaml...   Prints one line per problem ("FILE: Kind/name: problem") and exits 1 if
// there is any; prints "N objects valid" and exits 0 otherwise.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs FILE.yaml...");
  process.exit(2);
}

/** The module of a kind's model, e.g. apps/v1 Deployment -> kubernetes-models/apps/v1/Deployment. */
function moduleOf(apiVersion, kind) {
  if (apiVersion.startsWith("monitoring.coreos.com/")) {
    return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  }

  return `kubernetes-models/${apiVersion}/${kind}`;
}

const problems = [];
const objects = [];
for (const file of files) {
  for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (document.errors.length > 0) {
      problems.push(`${file}: YAML: ${document.errors[0].message}`);
      continue;
    }

    const object = document.toJS();
    if (object === null) {
      continue;
    }

    const label = `${object.kind ?? "?"}/${object.metadata?.name ?? "?"}`;
    if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
      problems.push(`${file}: ${label}: apiVersion and kind are required`);
      continue;
    }

    // kubectl kustomize wraps a generated Secret's base64 values at 70 characters, and the API server's decoder
    // (Go's base64) skips line breaks; the schema's "byte" format does not, so validate them unwrapped.
    if (object.apiVersion === "v1" && object.kind === "Secret" && object.data !== null && typeof object.data === "object") {
      for (const [key, value] of Object.entries(object.data)) {
        if (typeof value === "string") {
          object.data[key] = value.replace(/[\r\n]/g, "");
        }
      }
    }

    const module = moduleOf(object.apiVersion, object.kind);
    let model;
    try {
      model = (await import(module))[object.kind];
    } catch {
      model = undefined;
    }

    if (typeof model !== "function") {
      problems.push(`${file}: ${label}: no schema for apiVersion ${object.apiVersion} kind ${object.kind}`);
      continue;
    }

    try {
      new model(object).validate();
    } catch (error) {
      problems.push(`${file}: ${label}: ${error.message}`);
    }

    objects.push({ file, label, module, kind: object.kind, object });
  }
}

// Unknown fields: one TypeScript file with every object as a typed literal.
if (objects.length > 0) {
  const work = mkdtempSync(join(here, ".check-"));
  try {
    const lines = [];
    const owners = [];
    objects.forEach(({ module, kind, object }, i) => {
      lines.push(`import type { I${kind} as T${i} } from ${JSON.stringify(module)};`);
      owners.push(i);
    });
    objects.forEach(({ object }, i) => {
      const literal = JSON.stringify(object, null, 2).split("\n");
      literal[0] = `export const o${i}: T${i} = ${literal[0]}`;
      literal[literal.length - 1] += ";";
      for (const line of literal) {
        lines.push(line);
        owners.push(i);
      }
    });
    writeFileSync(join(work, "check.ts"), lines.join("\n") + "\n");
    writeFileSync(join(work, "tsconfig.json"), JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: "nodenext",
        moduleResolution: "nodenext",
        skipLibCheck: true,
        types: [],
      },
      files: ["check.ts"],
    }));

    let output = "";
    try {
      execFileSync(process.execPath, [join(here, "node_modules", "typescript", "bin", "tsc"), "-p", work], { encoding: "utf8" });
    } catch (error) {
      output = `${error.stdout ?? ""}${error.stderr ?? ""}`;
      if (output.trim() === "") {
        throw error;
      }
    }

    // check.ts(LINE,COL): error TSnnnn: message, continued on indented lines.
    let current = null;
    for (const line of output.split("\n")) {
      const match = /check\.ts\((\d+),\d+\): error (TS\d+: .*)$/.exec(line);
      if (match) {
        const owner = objects[owners[Number(match[1]) - 1]];
        current = `${owner.file}: ${owner.label}: ${match[2]}`;
        problems.push(current);
      } else if (line.startsWith("  ") && current !== null) {
        problems[problems.length - 1] += ` ${line.trim()}`;
      } else if (line.trim() !== "") {
        problems.push(`tsc: ${line}`);
        current = null;
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

for (const problem of problems) {
  console.log(problem);
}

if (problems.length > 0) {
  process.exit(1);
}

console.log(`${objects.length} objects valid`);
