/** The `toro` command: build, run and check services. */
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs, USAGE } from "./args.ts";
import { build } from "./build.ts";
import { check } from "./check.ts";
import { createDisk, formatBytes as formatSize } from "./disk.ts";
import { CliError } from "./errors.ts";
import { discardHostDir, finishHostDir, prepareHostDir, type PreparedDir } from "./host-dir.ts";
import { TORO_ROOT } from "./paths.ts";
import { ensurePlatform } from "./platform.ts";
import { runVm, vmConfig } from "./run.ts";

const log = (line: string) => process.stderr.write(line + "\n");

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}

async function main(argv: string[]): Promise<number> {
  const command = parseArgs(argv);
  switch (command.name) {
    case "help":
      console.log(USAGE);
      return 0;
    case "version":
      console.log(JSON.parse(readFileSync(join(TORO_ROOT, "package.json"), "utf8")).version);
      return 0;
    case "setup":
      ensurePlatform(log);
      return 0;
    case "check":
      return check(command.target);
    case "build": {
      const r = await build(command.options.target, command.options.output, log, { assets: command.options.assets });
      console.log(`${relative(process.cwd(), r.image)} ${formatBytes(r.bytes)}`);
      if (r.assets) log(`toro: assets: ${r.assets.files} files in ${r.assets.directories} directories, ${formatBytes(r.assets.bytes)}`);
      return 0;
    }
    case "disk-create": {
      const geometry = createDisk(command.options);
      log(`toro: ${command.options.file}: FAT${geometry.fat}, ${formatSize(command.options.bytes)}, clusters of ${geometry.clusterBytes} bytes`);
      return 0;
    }
    case "run": {
      const { target } = command.options;
      let image = target;
      if (target.endsWith(".elf")) {
        if (!existsSync(target)) throw new CliError(`${target}: no such image`);
      } else {
        const r = await build(target, undefined, log, { assets: command.options.assets });
        image = r.image;
        if (command.options.trace) log(`toro: built ${relative(process.cwd(), r.image)} (${formatBytes(r.bytes)})`);
      }
      // The --dir images are built before the boot and attached after the --disk images.
      const dirs: PreparedDir[] = [];
      let code: number;
      try {
        for (const spec of command.options.dirs) dirs.push(prepareHostDir(spec));
        const disks = [...command.options.disks, ...dirs.map((d) => ({ path: d.image, readOnly: !d.spec.writable, mount: d.spec.mount }))];
        const vm = vmConfig(image, { ...command.options, disks }, log);
        code = await runVm(vm, command.options.timeoutMs, process);
      } catch (error) {
        for (const dir of dirs) discardHostDir(dir);
        throw error;
      }
      for (const dir of dirs) finishHostDir(dir, code, log);
      return code;
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    if (error instanceof CliError) {
      log(`toro: ${error.message}`);
      process.exitCode = error.exitCode;
    } else {
      log(`toro: internal error: ${error?.stack ?? error}`);
      process.exitCode = 70;
    }
  },
);
