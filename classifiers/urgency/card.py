"""MODEL_CARD.md for an urgency artifact: data, licences and attribution, label mapping, use, figures, limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from classifiers.urgency.data import SEED_SOURCE

LABEL_MAPPING = {
    "police_fr_dev": "the desk's own labels (category and priority 0–3), used as given",
    "crisislex_t26": (
        "0 = related and informative + affected individuals + eyewitness (first-hand: injured, trapped, missing where "
        "the writer is, like the desk's danger); 1 = any other informative eyewitness tweet (first-hand sightings and "
        "damage, like witness_tip); 2 = informative affected individuals relayed by others (relayed casualty reports, "
        "like rumours), infrastructure and utilities, caution and advice (closures, what to avoid: like safety "
        "questions); 3 = donations and volunteering (offers of help, like offer_help), other useful information "
        "(news and chatter, like other), sympathy and support, related but not informative, not related, not "
        "applicable. Changed from urgency-v1, which put every non-eyewitness affected-individuals, caution and "
        "infrastructure tweet at 1 and donations at 2: the desk ranks relayed reports, advice and offers lower"
    ),
    "disaster_response_messages": (
        "0 = actionable_haiti, or (search_and_rescue | medical_help | security | fire) in a first-hand message "
        "(direct_report or request); 1 = any other first-hand request or report (water, food, shelter, a missing "
        "relative, the dead, collapsed buildings); 2 = news headlines and other related messages; 3 = offers of help "
        "(offer without request), related 0 or 2 (unrelated, unsure). Changed from urgency-v1: death and "
        "missing_people are 1, not 0 (the desk puts a missing relative at 1), offers are 3"
    ),
}

_TERMS = """
CrisisLexT26 holds tweet texts: X/Twitter terms restrict redistributing tweet content, so the data stays inside
the project and is not published; the artifact holds only the n-gram vocabulary and weights learnt from it.
Munro's terms also ask not to combine the data in ways that would identify senders or people mentioned.
"""


def _data_table(examples: dict[str, Any]) -> str:
    desk = examples["desk_train"] + examples["desk_held_out"]
    rows = [
        ("data set", "use", "licence", "attribution"),
        ("---",) * 4,
        (f"`police_fr_dev` ({desk} French desk messages)",
         f"joint (category, priority) head ({examples['desk_train']}); {examples['desk_held_out']} held out",
         "invented for the Vigie project, no third-party text", "—"),
        *([(f"`{SEED_SOURCE}` ({examples[SEED_SOURCE]:,} messages, `classifiers/urgency/seed/`)",
            f"joint head only, never evaluated on; {examples[f'{SEED_SOURCE}_too_close']} more left out as too "
            "close to a desk message (see its README)",
            "the project's own, written from the taxonomy README without the desk set", "—")]
          if SEED_SOURCE in examples else []),
        (f"CrisisLexT26 ({examples['crisislex_t26']:,} tweets, 26 crises 2012–2013)", "crisis head only",
         "MIT (Olteanu & Castillo, 2014)", "Olteanu, Vieweg, Castillo. *What to Expect When the Unexpected "
         "Happens: Social Media Communications Across Crises.* CSCW 2015"),
        (f"Disaster Response Messages ({examples['disaster_response_messages']:,} messages: Haiti 2010, Pakistan "
         "2010, Sandy 2012, news)", "crisis head only", "CC BY 4.0", "Robert Munro. 2012. *Processing short "
         "message communications in low-resource languages.* PhD dissertation, Stanford University"),
    ]
    return "\n".join("| " + " | ".join(row) + " |" for row in rows) + "\n" + _TERMS


_USE = """\
Ranks incoming social-media messages for the Police nationale desk's priority queues during a surge, so that
messages about a life in immediate danger are read first. Every message is still queued and read by a person: the
model orders work, it does not discard, answer or judge anyone. The decision favours priority-0 recall over
precision (p(0) is multiplied by the threshold before the argmax). Not for use on other desks' taxonomies,
for profiling authors, or as evidence of anything.
"""

_LIMITS = """\
- The French training and test data are synthetic (one author, one AI model, class mix set for evaluation, not
  realism): real traffic will be noisier, and figures on it will be lower. The held-out part is small (see the
  support column): one priority-0 message is ~0.05 of recall, so every figure has an uncertainty of several points.
- Most of the joint head's French examples are the project's own messages (`vigie_seed_fr`), written by an AI
  model from the taxonomy's rules: the model has learnt that model's way of writing each category as much as the
  desk's. Messages written very differently (long posts, threads, heavy slang) are less well covered.
- The priority-0 threshold is set for recall first (see Model); the flagged priority-0 items that are not are
  mostly witness tips and rumours that mention weapons or shots, and first-hand but non-critical reports.
- Hard cases: jokes with alarming words ("ce concert c'était une tuerie"), negated danger ("pas de blessés"),
  rumours phrased as facts ("fusillade en cours aux Halles" is a rumour, "tirs en ce moment rue X, on est cachés"
  is danger), vague second-hand reports, sarcasm, emoji- or image-only messages. The cue lexicon covers them in
  French and English; other languages (Arabic, darija in Latin letters, Spanish, German) are rare in training and
  scored mostly from character n-grams.
- Crisis types beyond attacks (floods, fires, explosions, collapses, crowd crushes, storms, riots) are seen in
  French only in the project's own messages (a few hundred), and otherwise through the cue lexicon and the mostly
  English crisis sets (2010–2013, natural disasters), whose priorities come from a heuristic mapping of labels
  that were not about urgency. The held-out figures do not measure them: the desk set has none.
- Category errors are mostly between the low-priority classes (other vs. rumour, procedure question or insult)
  and between danger and witness tip when a shooter is described on the move; routing errors follow.
- Reasons are word-level contributions of the linear joint head, not a causal explanation.
- Urgency scores are calibrated on the training mix, not on real surge base rates.
"""


def _figures(metrics: dict[str, Any], baseline: dict[str, Any] | None = None) -> str:
    lines = ["| figure | model | baseline |", "|---|---|---|"]
    for key, label in (("p0_recall", "priority-0 recall"), ("p0_precision", "priority-0 precision"),
                       ("macro_f1", "macro-F1 over the 4 priorities"), ("category_accuracy", "category accuracy"),
                       ("trec_priority_f1", "TREC-IS-style priority F1 (actionable P0–P1 vs. rest)"),
                       ("p0_average_precision", "priority-0 average precision")):
        lines.append(f"| {label} | {_cell(metrics, key)} | {_cell(baseline, key)} |")
    lines += ["", "| priority | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for prio, row in metrics["per_priority"].items():
        lines.append(f"| {prio} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | {row['support']} |")
    cm = metrics["confusion_matrix"]
    lines += ["", "Confusion matrix (rows: true priority 0–3, columns: predicted 0–3): "
              + "; ".join(" ".join(str(v) for v in row) for row in cm) + f" (n = {metrics['n']})."]
    return "\n".join(lines)


def _cell(metrics: dict[str, Any] | None, key: str) -> str:
    value = None if metrics is None else metrics.get(key)
    if isinstance(value, dict):
        value = value.get("f1")
    return "—" if value is None else f"{value:.3f}"


def write_model_card(out_dir: Path, metadata: dict[str, Any]) -> Path:
    """Write ``out_dir/MODEL_CARD.md`` from the artifact's metadata; return its path."""
    metrics, training = metadata["metrics"], metadata["training"]
    mapping = "\n".join(f"- **{name}**: {text}." for name, text in metadata["label_mapping"].items())
    dedup = metrics.get("held_out_one_per_dup_group")
    cv = metrics.get("cv_training_part")
    card = f"""# {metadata['model']} — urgency model card

Created {metadata['created_at']} with scikit-learn {metadata['sklearn_version']}, Python {metadata['python_version']};
feature schema {metadata['schema_version']}; training-data fingerprint `{metadata['data_fingerprint'][:16]}…`;
artifact sha256 `{metadata['artifact_sha256'][:16]}…` ({metadata['artifact_bytes'] / 1e6:.1f} MB).

## Intended use
{_USE}
## Model
{training['features']}.
Two logistic-regression heads: the crisis head (priorities 0–3, C = {training['crisis_C']:g}) on the mapped crisis
sets only, and the joint head ((category, priority) pairs, C = {training['joint_C']:g}, balanced class weights) on
the desk training part and the project's own messages, reading the crisis head's probabilities
×{training['stack_scale']:g}. Priority and category
probabilities are the joint probabilities summed per priority and per category. Priority-0 threshold
{metadata['p0_threshold']:g} (p(0) is multiplied by it before the argmax), tuned by grouped cross-validation on the
training part: the smallest multiplier whose out-of-fold priority-0 recall reaches 0.97, recall first. Urgency =
Σ p_k (3 − k) / 3. Hyper-parameters (C, cue value {training['cue_value']:g}, joint vs. separate heads) were chosen
by the same grouped CV on the training part, never on the held-out part.

## Data, licences, attribution
{_data_table(metrics['examples'])}
## Label mapping to desk priorities
{mapping}

## Held-out evaluation
Split: {metadata['split']}
Baseline (trained in the same run, same split): {metrics.get('baseline_description', 'plain baseline')}.

{_figures(metrics['held_out'], metrics.get('baseline_held_out'))}

Targets: priority-0 recall ≥ 0.97 with precision ≥ 0.80; macro-F1 ≥ 0.85; category accuracy ≥ 0.85.
Per-category figures, confusion matrices and the priority-0 precision–recall curve: `vigie evaluate --model
models/{out_dir.name} --out models/{out_dir.name}/evaluation` (the shipped report and plots are in `evaluation/`
beside this card).
"""
    if dedup:
        card += (f"\nOne message per near-duplicate group (n = {dedup['n']}): priority-0 recall "
                 f"{dedup['p0_recall']:.3f}, precision {dedup['p0_precision']:.3f}, macro-F1 {dedup['macro_f1']:.3f}, "
                 f"category accuracy {dedup['category_accuracy']:.3f}.\n")
    if cv:
        card += (f"\nCross-validated on the training part (grouped {training['cv_folds']}-fold, out of fold; the "
                 f"threshold was tuned on these, so priority-0 figures are optimistic): priority-0 recall "
                 f"{cv['p0_recall']:.3f}, precision {cv['p0_precision']:.3f}, macro-F1 {cv['macro_f1']:.3f}, category "
                 f"accuracy {cv['category_accuracy']:.3f} (n = {cv['n']}).\n")
    card += f"\n## Known failure modes and limits\n{_LIMITS}"
    path = out_dir / "MODEL_CARD.md"
    path.write_text(card, encoding="utf-8")
    return path
