/**
 * Tools that change files in the workspace. They always ask; these are the only ones a person may remember by
 * prefix ("commands starting with rm"), because what they do stays bounded by the policy after that: their
 * options are allow-listed like any other tool's and every path they touch, source or destination, must resolve
 * inside the workspace (a delete never the workspace itself). Options that would reach through symlinks found
 * while copying (`cp -L`) or make links (`cp -s`) ask even when remembered.
 */
import type { CommandSpec } from "./command-spec.ts";
import { optionTable } from "./option-table.ts";

const HELP = "|help |version";

export const rm: CommandSpec = {
  inherent: "delete",
  options: optionTable(
    `f|force i I |interactive?=text |one-file-system |no-preserve-root!unchecked-option |preserve-root?=text r|recursive R d|dir v|verbose ${HELP}`,
  ),
  operands: "paths",
  pathUse: "delete",
};

export const rmdir: CommandSpec = {
  inherent: "delete",
  // -p removes each parent in turn, up to and beyond the workspace if the path names it.
  options: optionTable(`|ignore-fail-on-non-empty p|parents!unchecked-option v|verbose ${HELP}`),
  operands: "paths",
  pathUse: "delete",
};

export const mkdir: CommandSpec = {
  inherent: "write",
  options: optionTable(`m|mode=text p|parents v|verbose Z |context?=text ${HELP}`),
  operands: "paths",
  pathUse: "write",
};

export const touch: CommandSpec = {
  inherent: "write",
  options: optionTable(`a c|no-create d|date=text f h|no-dereference m r|reference=path t=text |time=text ${HELP}`),
  operands: "paths",
  pathUse: "write",
};

export const mv: CommandSpec = {
  inherent: "write",
  options: optionTable(
    "|backup?=text b f|force i|interactive n|no-clobber |strip-trailing-slashes S|suffix=text t|target-directory=dest " +
      `T|no-target-directory u|update v|verbose Z|context ${HELP}`,
  ),
  operands: "paths",
  pathUse: "write",
};

export const cp: CommandSpec = {
  inherent: "write",
  options: optionTable(
    "a|archive |attributes-only |backup?=text b |copy-contents d f|force i|interactive H l|link " +
      "L|dereference!outside-workspace n|no-clobber P|no-dereference p |preserve?=text |no-preserve=text |parents " +
      "r|recursive R |reflink?=text |remove-destination |sparse=text |strip-trailing-slashes " +
      "s|symbolic-link!unchecked-option S|suffix=text t|target-directory=dest T|no-target-directory u|update v|verbose " +
      `x|one-file-system Z |context?=text ${HELP}`,
  ),
  operands: "paths",
  pathUse: "write",
};
