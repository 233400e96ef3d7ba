// Where the CLI writes. Commands take an Output so tests and the json format stay in control.

export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Replaces the current status line on stderr (used only when interactive). */
  status(text: string): void;
  /** True when stderr is an interactive terminal (progress lines are shown only then). */
  interactive: boolean;
}

export const processOutput: Output = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  status: (text) => void process.stderr.write(`\r\u001b[2K${text}`),
  interactive: process.stderr.isTTY === true,
};
