/** Which rule of the routing file a question falls under: the first whose every given match field holds. */
import "server-only";
import type { ElicitationData } from "@/lib/elicitation/contract";
import { expandNames, type RoutingFile, type RoutingRule } from "./routing-file";

/** What routing decided for one question; users are expanded from groups when it was routed. */
export interface Route {
  rule: RoutingRule;
  /** The rule's routeTo as written (users and groups): what the card shows. */
  routedTo: string[];
  /** Everyone routeTo means, by user id or name. */
  users: Set<string>;
  approvalsNeeded: number;
  requesterMayAnswer: boolean;
  deadline?: { afterMs: number; escalateTo: string[]; users: Set<string> };
}

/** "deletes files: rm -rf build" → "deletes files" */
export function riskLabel(risk: string): string {
  return risk.replace(/:.*$/s, "").trim();
}

function anyOf(wanted: string[] | undefined, actual: (value: string) => boolean): boolean {
  return wanted === undefined || wanted.some(actual);
}

/** The command starts with the prefix and the prefix ends at a word boundary. */
function hasPrefix(command: string | undefined, prefix: string): boolean {
  if (command === undefined) return false;
  const text = command.trimStart();
  if (!text.startsWith(prefix)) return false;
  return text.length === prefix.length || /\s/.test(text.charAt(prefix.length)) || /\s$/.test(prefix);
}

export function matches(rule: RoutingRule, data: ElicitationData, requester: { id: string; name?: string }): boolean {
  const { match } = rule;
  const label = data.risk === undefined ? undefined : riskLabel(data.risk).toLowerCase();
  return (
    anyOf(match.server, (server) => server === data.serverName) &&
    anyOf(match.tool, (tool) => tool === data.toolCall?.toolName) &&
    anyOf(match.risk, (risk) => label !== undefined && label === risk.trim().toLowerCase()) &&
    anyOf(match.commandPrefix, (prefix) => hasPrefix(data.command, prefix)) &&
    anyOf(match.requester, (who) => who === requester.id || who === requester.name) &&
    anyOf(match.specialty, (wanted) => data.specialty !== undefined && data.specialty.trim().toLowerCase() === wanted.trim().toLowerCase())
  );
}

/** The route for this question, or undefined when no rule matches (the requester answers, as without a file). */
export function routeOf(file: RoutingFile, data: ElicitationData, requester: { id: string; name?: string }): Route | undefined {
  const rule = file.rules.find((candidate) => matches(candidate, data, requester));
  if (!rule) return undefined;
  return {
    rule,
    routedTo: [...rule.routeTo],
    users: expandNames(rule.routeTo, file.groups),
    approvalsNeeded: rule.approvals,
    requesterMayAnswer: rule.requesterMayAnswer,
    ...(rule.deadline && {
      deadline: {
        afterMs: rule.deadline.after,
        escalateTo: [...rule.deadline.escalateTo],
        users: expandNames(rule.deadline.escalateTo, file.groups),
      },
    }),
  };
}
