// format.js: how the page words numbers for people. The downloads (TXT,
// SRT, VTT, JSON) are not written here: the module writes them with the
// CLI's own writers (package asr/transcript, through Ecoute.format), and
// tests/browser checks them against `transcribe --format ...` on the same
// clip.

/** speedText says how a transcription time compares with the audio's length. */
export function speedText(seconds, audioSeconds) {
  if (!(seconds > 0) || !(audioSeconds > 0)) return "–";
  const rtf = seconds / audioSeconds;
  const ratio = rtf < 1 ? 1 / rtf : rtf;
  const times = ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1);
  if (times === "1.0") return `${rtf.toFixed(3)} (about real time)`;
  return `${rtf.toFixed(3)} (${times}× ${rtf < 1 ? "faster" : "slower"} than real time)`;
}

/** bytesText writes a byte count for people: "812 kB", "9.4 MB". */
export function bytesText(n) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`;
  return `${n} bytes`;
}
