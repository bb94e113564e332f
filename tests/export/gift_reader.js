// Reads GIFT from stdin with gift-pegjs (npm) and prints, per question, what an importer would store:
// the stem and its format, and each choice's text, format, correctness, weight and feedback.
const gift = require("gift-pegjs");
let source = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { source += chunk; });
process.stdin.on("end", () => {
  const questions = gift.parse(source).filter((q) => q.type !== "Category").map((q) => ({
    type: q.type,
    title: q.title,
    stem: q.stem.text,
    format: q.stem.format,
    choices: (q.choices || []).map((c) => ({
      text: c.text.text,
      format: c.text.format,
      correct: c.isCorrect,
      weight: c.weight,
      feedback: c.feedback && c.feedback.text,
      feedbackFormat: c.feedback && c.feedback.format,
    })),
  }));
  process.stdout.write(JSON.stringify(questions));
});
