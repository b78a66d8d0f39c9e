/** `pnpm hub connector …`: the integration engineer's tools. */
export async function connectorCommand(args: string[]): Promise<number> {
  process.stderr.write(`connector ${args.join(' ')}: not available yet\n`);
  return 2;
}
