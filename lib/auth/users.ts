import "server-only";
import { randomBytes } from "node:crypto";
import { placeholderEmail, type Auth } from "./auth";
import { roleOf, type Role } from "./roles";

/** A person as the users CLI and the sign-in checks see them. */
export interface UserRecord {
  id: string;
  name: string;
  role: Role;
  createdAt: Date;
}

/** Names are what people type to sign in and what cards show: short, plain, case-insensitive. */
const NAME = /^[a-z0-9_.]{2,40}$/;
/** Names the app itself uses for actors that are not people. */
const RESERVED = new Set(["local", "system"]);

export class UserError extends Error {}

interface StoredUser {
  id: string;
  username?: string | null;
  name: string;
  role?: unknown;
  createdAt: Date;
}

/**
 * Managing people over better-auth's own tables and helpers (password hashing, API keys): what the users CLI runs.
 * Passwords are random, returned once, stored only hashed.
 */
export class Users {
  private readonly auth: Auth;

  constructor(auth: Auth) {
    this.auth = auth;
  }

  async add(rawName: string, role: Role): Promise<{ user: UserRecord; password: string }> {
    const name = checkedName(rawName);
    if (await this.find(name)) throw new UserError(`A user named ${name} exists already.`);
    const context = await this.auth.$context;
    const created = (await context.internalAdapter.createUser(
      { email: placeholderEmail(name), emailVerified: true, name, username: name, displayUsername: name, role },
      { method: "admin" },
    )) as StoredUser;
    const password = newPassword();
    await context.internalAdapter.linkAccount({
      userId: created.id,
      providerId: "credential",
      accountId: created.id,
      password: await context.password.hash(password),
    });
    return { user: toRecord(created), password };
  }

  /** A new API key for bearer authentication, as that user; it works until the user is removed (or it expires). */
  async token(rawName: string, options: { expiresInDays?: number } = {}): Promise<string> {
    const user = await this.required(rawName);
    const created = await this.auth.api.createApiKey({
      body: {
        userId: user.id,
        name: "cli",
        ...(options.expiresInDays !== undefined && { expiresIn: options.expiresInDays * 24 * 60 * 60 }),
      },
    });
    return created.key;
  }

  async list(): Promise<UserRecord[]> {
    const context = await this.auth.$context;
    const users = (await context.adapter.findMany({ model: "user", sortBy: { field: "createdAt", direction: "asc" } })) as StoredUser[];
    return users.map(toRecord);
  }

  /** Removes the user with their sessions, password and API keys: none of them works afterwards. */
  async remove(rawName: string): Promise<void> {
    const user = await this.required(rawName);
    const context = await this.auth.$context;
    await context.adapter.deleteMany({ model: "apikey", where: [{ field: "referenceId", value: user.id }] });
    await context.internalAdapter.deleteUser(user.id);
  }

  /** A new random password; every session of the user ends (their API keys stay). */
  async resetPassword(rawName: string): Promise<string> {
    const user = await this.required(rawName);
    const context = await this.auth.$context;
    const password = newPassword();
    await context.internalAdapter.updatePassword(user.id, await context.password.hash(password));
    await context.internalAdapter.deleteUserSessions(user.id);
    return password;
  }

  async byId(id: string): Promise<UserRecord | undefined> {
    const context = await this.auth.$context;
    const user = (await context.internalAdapter.findUserById(id)) as StoredUser | null;
    return user ? toRecord(user) : undefined;
  }

  async count(role?: Role): Promise<number> {
    const context = await this.auth.$context;
    return context.adapter.count({ model: "user", ...(role && { where: [{ field: "role", value: role }] }) });
  }

  private async find(name: string): Promise<UserRecord | undefined> {
    const context = await this.auth.$context;
    const user = (await context.adapter.findOne({ model: "user", where: [{ field: "username", value: name }] })) as StoredUser | null;
    return user ? toRecord(user) : undefined;
  }

  private async required(rawName: string): Promise<UserRecord> {
    const name = rawName.trim().toLowerCase();
    const user = await this.find(name);
    if (!user) throw new UserError(`No user named ${name}.`);
    return user;
  }
}

function checkedName(rawName: string): string {
  const name = rawName.trim().toLowerCase();
  if (!NAME.test(name)) throw new UserError(`"${rawName}" is not a usable name: 2 to 40 letters, digits, "_" or ".".`);
  if (RESERVED.has(name)) throw new UserError(`"${name}" is reserved by the app; choose another name.`);
  return name;
}

function newPassword(): string {
  return randomBytes(18).toString("base64url");
}

function toRecord(user: StoredUser): UserRecord {
  return { id: user.id, name: user.username ?? user.name, role: roleOf(user.role), createdAt: new Date(user.createdAt) };
}
