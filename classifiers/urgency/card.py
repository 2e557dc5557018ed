"""MODEL_CARD.md for an urgency artifact: data, licences and attribution, label mapping, use, figures, limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

LABEL_MAPPING = {
    "police_fr_dev": "the desk's own labels (category and priority 0–3), used as given",
    "crisislex_t26": (
        "0 = related and informative + affected individuals + eyewitness; 1 = informative + (affected individuals | "
        "caution and advice | infrastructure and utilities) or any other informative eyewitness tweet; 2 = "
        "informative + other useful information | donations and volunteering; 3 = sympathy and support, related "
        "but not informative, not related, not applicable"
    ),
    "disaster_response_messages": (
        "0 = actionable_haiti, or (search_and_rescue | medical_help | security | death | missing_people | fire) in a "
        "first-hand message (direct_report or request); 1 = request, direct_report, buildings, hospitals, military; "
        "2 = other related messages and all news headlines; 3 = related 0 or 2 (unrelated, unsure)"
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
         f"category + priority heads ({examples['desk_train']}); {examples['desk_held_out']} held out",
         "invented for the Vigie project, no third-party text", "—"),
        (f"CrisisLexT26 ({examples['crisislex_t26']:,} tweets, 26 crises 2012–2013)", "priority head only",
         "MIT (Olteanu & Castillo, 2014)", "Olteanu, Vieweg, Castillo. *What to Expect When the Unexpected "
         "Happens: Social Media Communications Across Crises.* CSCW 2015"),
        (f"Disaster Response Messages ({examples['disaster_response_messages']:,} messages: Haiti 2010, Pakistan "
         "2010, Sandy 2012, news)", "priority head only", "CC BY 4.0", "Robert Munro. 2012. *Processing short "
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
  support column): a priority-0 recall of 0.9 on 21 messages has an uncertainty of about ±0.1.
- The crisis sets are mostly English, 2010–2013, mostly natural disasters, and their priorities come from a
  heuristic mapping of labels that were not about urgency.
- Misses of priority 0 on the held-out part are mostly emergencies without attack vocabulary (a child locked in a
  hot car, someone about to jump, a carjacking at gunpoint); false alarms are mostly witness tips and rumours that
  mention weapons or shooters, and posts that only carry an attack hashtag.
- Hard cases: jokes with alarming words ("ce concert c'était une tuerie"), negated danger ("pas de blessés"), rumours
  phrased as facts, vague second-hand reports, sarcasm, and emoji- or image-only messages. Languages other than
  French and English (Arabic, darija in Latin letters, Spanish, German) are rare in training.
- Category accuracy is modest (a dozen classes learnt from ~500 messages); routing errors between desks follow.
- Reasons are word-level contributions of the linear priority head, not a causal explanation.
- Urgency scores are calibrated on the training mix, not on real surge base rates.
"""


def _figures(metrics: dict[str, Any]) -> str:
    lines = ["| priority | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for prio, row in metrics["per_priority"].items():
        lines.append(f"| {prio} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | {row['support']} |")
    cm = metrics["confusion_matrix"]
    lines += ["", f"Priority-0 recall **{metrics['p0_recall']:.3f}**, precision **{metrics['p0_precision']:.3f}**; "
                  f"macro-F1 over priorities **{metrics['macro_f1']:.3f}**; category accuracy "
                  f"**{metrics['category_accuracy']:.3f}** (n = {metrics['n']}).", "",
              "Confusion matrix (rows: true priority 0–3, columns: predicted 0–3): "
              + "; ".join(" ".join(str(v) for v in row) for row in cm) + "."]
    return "\n".join(lines)


def write_model_card(out_dir: Path, metadata: dict[str, Any]) -> Path:
    """Write ``out_dir/MODEL_CARD.md`` from the artifact's metadata; return its path."""
    metrics, training = metadata["metrics"], metadata["training"]
    mapping = "\n".join(f"- **{name}**: {text}." for name, text in metadata["label_mapping"].items())
    dedup = metrics.get("held_out_one_per_dup_group")
    card = f"""# {metadata['model']} — urgency model card

Created {metadata['created_at']} with scikit-learn {metadata['sklearn_version']}, Python {metadata['python_version']};
feature schema {metadata['schema_version']}; training-data fingerprint `{metadata['data_fingerprint'][:16]}…`;
artifact sha256 `{metadata['artifact_sha256'][:16]}…`.

## Intended use
{_USE}
## Model
{training['features']}.
Two logistic-regression heads: category (desk training part only) and priority (desk training part weighted
{training['desk_weight']:g}× per message, mapped crisis data {training['crisis_weight']:g}×). Priority-0 threshold
{metadata['p0_threshold']:g}, tuned by grouped cross-validation on the training part. Urgency = Σ p_k (3 − k) / 3.

## Data, licences, attribution
{_data_table(metrics['examples'])}
## Label mapping to desk priorities
{mapping}

## Held-out evaluation
Split: {metadata['split']}

{_figures(metrics['held_out'])}
"""
    if dedup:
        card += (f"\nOne message per near-duplicate group (n = {dedup['n']}): priority-0 recall "
                 f"{dedup['p0_recall']:.3f}, precision {dedup['p0_precision']:.3f}, macro-F1 {dedup['macro_f1']:.3f}, "
                 f"category accuracy {dedup['category_accuracy']:.3f}.\n")
    card += f"\n## Known failure modes and limits\n{_LIMITS}"
    path = out_dir / "MODEL_CARD.md"
    path.write_text(card, encoding="utf-8")
    return path
