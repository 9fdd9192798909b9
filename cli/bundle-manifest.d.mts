// Types of cli/bundle-manifest.mjs (plain JavaScript, so that the launcher needs no loader).
export declare const REPO_ROOT: string;
export declare const BUNDLE_DIR_DEFAULT: string;
export declare const MANIFEST_NAME: string;
export declare const ENTRY_NAME: string;
export type InputRecord = [path: string, mtimeMs: number, size: number];
export declare function inputRecord(root: string, relativePath: string): InputRecord;
export declare function manifestText(inputs: readonly InputRecord[]): string;
export declare function bundleStatus(root?: string, bundleDir?: string): { entry: string | null; reason: string };
