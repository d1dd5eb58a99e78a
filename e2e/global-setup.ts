import { rmSync } from "node:fs";
import { E2E_WORKSPACE } from "./workspace";

/** Every run starts from an empty workspace, so listings stay short and tests never see old folders. */
export default function globalSetup(): void {
  rmSync(E2E_WORKSPACE, { recursive: true, force: true });
}
