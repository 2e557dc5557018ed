"""The ``vigie`` command. Every option falls back to a ``VIGIE_*`` environment variable (shown in --help);
Settings are built once here and passed down."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from streams.cliutil import echo_json, make_settings, run, settings_options
from streams.desk_cli import desk


@click.group()
@click.version_option(package_name="vigie")
def main() -> None:
    """Vigie: crisis-surge message triage (Kafka → dedupe → urgency model → Redis priority queues)."""


@main.command()
@click.option("--messages", "-n", default=2000, show_default=True, help="How many records to replay.")
@click.option("--seed", default=13, show_default=True, help="Generator seed.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a report.")
@click.option("--model-path", type=click.Path(path_type=Path), default=None, envvar="VIGIE_MODEL_PATH",
              show_envvar=True, help="Urgency model artifact folder.")
def demo(messages: int, seed: int, as_json: bool, model_path: Path | None) -> None:
    """Run the whole pipeline on the embedded broker and Redis, replay a surge, report, clean up."""
    from streams.demo import DemoError, run_demo

    settings = make_settings(model_path=model_path)
    shown: dict[str, int] = {}
    tty = sys.stderr.isatty()

    def say(text: str) -> None:
        if not as_json:
            click.echo(text, err=True)

    def progress(stage: str, done: int, total: int) -> None:
        """One line per quarter in a log, a live counter on a terminal; nothing in --json mode."""
        step = done * 4 // max(total, 1)
        if as_json or shown.get(stage) == (done if tty else step):
            return
        shown[stage] = done if tty else step
        end = "\n" if done >= total else ""
        click.echo(f"\r{stage} {done}/{total}{end}" if tty else f"{stage} {done}/{total}", nl=not tty, err=True)

    try:
        result = run_demo(settings, messages=messages, seed=seed, say=say, progress=progress)
    except DemoError as exc:
        raise click.ClickException(str(exc)) from None
    summary = result.summary()
    if as_json:
        echo_json(summary)
        return
    drained = (f"drained at {summary['drain_per_second']}/s once the worker was consuming"
               if summary["drain_per_second"] else "drained before it could be watched")
    click.echo(f"{summary['produced']} records replayed in {summary['seconds']}s, worker start-up included "
               f"({summary['throughput_per_second']}/s); {drained}; worker RSS {summary['worker_rss_mb']} MB")
    click.echo(f"  enqueued {summary['enqueued']}  duplicates {summary['duplicates']} "
               f"{summary['duplicates_by_kind']}  dead letters {summary['dead_letters']} "
               f"{summary['dead_letters_by_reason']}  nothing to triage {summary['ignored']}")
    lag = summary["lag"]
    click.echo(f"  consumer lag: peaked at {lag['max_messages']} records / {lag['max_seconds']}s behind, "
               f"{lag['final_messages']} at the end")
    click.echo("  queue                  depth")
    for queue, depth in summary["queues"].items():
        click.echo(f"  {queue:<22} {depth:>5}")
    click.echo("next up for the on-call agents (vigie desk next):")
    for item in result.next_up:
        text = item["text"] if len(item["text"]) <= 90 else item["text"][:89] + "…"
        click.echo(f"  P{item['priority']} {item['category']:<18} ×{item['dup_count']:<3} {text}")


@main.command()
@settings_options
@click.option("--loglevel", default="WARN", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARN", "ERROR"], case_sensitive=False))
def worker(loglevel: str, **overrides: Any) -> None:
    """Run a stream processor: consume the raw topics, triage, enqueue into Redis."""
    from classifiers.urgency import ModelMismatchError
    from streams.worker import run_worker

    sys.argv = [sys.argv[0], "worker"]  # faust's Worker parses argv itself
    try:
        run_worker(make_settings(**overrides), loglevel=loglevel.upper())
    except (FileNotFoundError, ModelMismatchError) as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
@settings_options
@click.option("--group-id", default=None, envvar="VIGIE_GROUP_ID", show_envvar=True,
              help="Consumer group whose lag to report [default: vigie-triage].")
@click.option("--port", "exporter_port", type=int, default=None, envvar="VIGIE_EXPORTER_PORT", show_envvar=True,
              help="Port of /metrics [default: 9465].")
@click.option("--interval", "exporter_interval", type=float, default=None, envvar="VIGIE_EXPORTER_INTERVAL",
              show_envvar=True, help="Seconds between refreshes [default: 5].")
def exporter(**overrides: Any) -> None:
    """Export consumer lag (messages and seconds, per partition) and queue gauges for Prometheus."""
    from streams.exporter import run_exporter

    run_exporter(make_settings(**overrides))


@main.command()
@settings_options
@click.option("--json", "as_json", is_flag=True)
def check(as_json: bool, **overrides: Any) -> None:
    """Say what is reachable (Kafka, Redis, topics, model) and what is not; exit 1 if anything is not."""
    from streams.check import run_checks

    results = run_checks(make_settings(**overrides))
    if as_json:
        echo_json(results)
    else:
        for name, (ok, detail) in results.items():
            click.echo(f"{'ok ' if ok else 'NO '} {name:<8} {detail}")
    sys.exit(0 if all(ok for ok, _ in results.values()) else 1)


@main.command()
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), default=None, envvar="VIGIE_DATA_DIR",
              show_envvar=True, help="Labelled data (police_fr_dev/, crisislex_t26/, disaster_response_messages/).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="New artifact folder, e.g. models/urgency-v3 (point VIGIE_MODEL_PATH at it to use it).")
@click.option("--seed", type=int, default=None, help="Split and cross-validation seed [default: the documented one].")
def train(data_dir: Path | None, out: Path, seed: int | None) -> None:
    """Train the urgency model on the labelled data and write an artifact folder (model, metadata, card)."""
    from classifiers.urgency import train as training

    settings = make_settings(data_dir=data_dir)
    if not (settings.data_dir / "police_fr_dev").is_dir():
        raise click.UsageError(f"no labelled data in {settings.data_dir} (set --data-dir or VIGIE_DATA_DIR)")
    seed = training.SPLIT_SEED if seed is None else seed
    fingerprint = training.training_fingerprint(settings.data_dir)
    objects, metrics = training.train(settings.data_dir, seed=seed, progress=lambda m: click.echo(m, err=True))
    metadata = training.save(objects, metrics, out, fingerprint, seed=seed)
    click.echo(f"wrote {out} ({metadata['artifact_bytes'] / 1e6:.1f} MB, {metrics['train_seconds']} s)")


@main.command()
@click.option("--data", "data_file", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="JSON lines with text and priority 0–3 (and category) [default: the held-out part of "
                   "police_fr_dev].")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), default=None, envvar="VIGIE_DATA_DIR",
              show_envvar=True, help="Labelled data: the held-out split, and the baseline's training part.")
@click.option("--model", "model_path", type=click.Path(path_type=Path, file_okay=False), default=None,
              envvar="VIGIE_MODEL_PATH", show_envvar=True, help="Urgency model artifact folder.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("evaluation"),
              show_default=True, help="Folder for report.json, report.md and the PNG plots.")
@click.option("--json", "as_json", is_flag=True, help="Print report.json instead of the tables.")
def evaluate(data_file: Path | None, data_dir: Path | None, model_path: Path | None, out: Path,
             as_json: bool) -> None:
    """Figures of the urgency model beside a plain baseline trained in the same run; report and PNG plots."""
    from classifiers.urgency import ModelMismatchError
    from streams.evaluation import EvaluationError, markdown, run_evaluation, write_report

    settings = make_settings(data_dir=data_dir, model_path=model_path)
    try:
        result = run_evaluation(settings.model_path, settings.data_dir, data_file)
    except (EvaluationError, FileNotFoundError, ModelMismatchError) as exc:
        raise click.ClickException(str(exc)) from None
    written = write_report(result, out)
    if as_json:
        echo_json(result.as_json())
    else:
        click.echo(markdown(result), nl=False)
    click.echo(f"wrote {', '.join(str(p) for p in written)}", err=True)


@main.command()
@click.option("--input", "input_file", type=click.File("rb"), default="-", show_default=True,
              help="JSON lines with at least text (and optionally id, lang, network); - is standard input.")
@click.option("--output", "output_file", type=click.File("wb"), default="-", show_default=True,
              help="Where to write the same objects with priority, category, urgency and reasons added.")
@click.option("--model", "model_path", type=click.Path(path_type=Path, file_okay=False), default=None,
              envvar="VIGIE_MODEL_PATH", show_envvar=True, help="Urgency model artifact folder.")
def classify(input_file: Any, output_file: Any, model_path: Path | None) -> None:
    """Score JSON lines with the urgency model; a bad line gets an "error" key and the run goes on."""
    from classifiers.urgency import ModelMismatchError, UrgencyModel
    from streams.classify import classify_lines

    settings = make_settings(model_path=model_path)
    try:
        model = UrgencyModel.load(settings.model_path)
    except (FileNotFoundError, ModelMismatchError) as exc:
        raise click.ClickException(str(exc)) from None
    for line in classify_lines(model, input_file):
        output_file.write(line + b"\n")
    output_file.flush()


@main.command()
@settings_options
@click.option("--host", default=None, envvar="VIGIE_GATEWAY_HOST", show_envvar=True,
              help="Address to bind [default: 127.0.0.1; 0.0.0.0 in a pod].")
@click.option("--port", type=int, default=None, envvar="VIGIE_GATEWAY_PORT", show_envvar=True,
              help="Port to listen on [default: 8080].")
@click.option("--follow", "follow", multiple=True, metavar="NETWORK:PATH",
              help="Also produce the JSON lines appended to PATH as NETWORK payloads (repeatable).")
def gateway(host: str | None, port: int | None, follow: tuple[str, ...], **overrides: Any) -> None:
    """Ingest gateway: the networks' webhooks, verified, in Kafka before the 200 (secrets: VIGIE_*_SECRETS)."""
    from streams.gateway.pollers import JsonLinesPoller
    from streams.gateway.server import serve

    settings = make_settings(gateway_host=host, gateway_port=port, **overrides)
    pollers = [JsonLinesPoller(Path(path), network) for network, _, path in (f.partition(":") for f in follow)]
    run(serve(settings, pollers))


@main.command("serve")
@settings_options
@click.option("--host", default=None, envvar="VIGIE_API_HOST", show_envvar=True,
              help="Address to bind [default: 127.0.0.1; 0.0.0.0 in a pod].")
@click.option("--port", type=int, default=None, envvar="VIGIE_API_PORT", show_envvar=True,
              help="Port to listen on [default: 8000].")
def serve_desk(host: str | None, port: int | None, **overrides: Any) -> None:
    """The agents' HTTP API and web console (http://HOST:PORT/), the lease reaper and the audit forwarder."""
    from redis.exceptions import RedisError

    from streams.desk.server import serve

    settings = make_settings(api_host=host, api_port=port, **overrides)
    try:
        run(serve(settings))
    except (RedisError, OSError) as exc:
        raise click.ClickException(f"cannot serve: {type(exc).__name__}: {exc}") from None


@main.command()
@click.option("--input", "input_path", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              default=None, help="JSON lines (id, text; network, author, priority optional) [default: stdin].")
@click.option("--output", "output_path", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              default=None, help="Where to write the lines with their `cluster` [default: stdout].")
@click.option("--redis-url", default=None, envvar="VIGIE_DEDUPE_REDIS_URL", show_envvar=True,
              help="A Redis to work in, under a fresh key prefix [default: an embedded redis-server for this run].")
@click.option("--window-seconds", "dedupe_window_seconds", type=int, default=None,
              envvar="VIGIE_DEDUPE_WINDOW_SECONDS", show_envvar=True,
              help="How long reposts fold into an item [default: 21600].")
@click.option("--model-path", type=click.Path(path_type=Path), default=None, envvar="VIGIE_MODEL_PATH",
              show_envvar=True, help="Urgency model, for lines without a priority.")
def dedupe(input_path: Path | None, output_path: Path | None, redis_url: str | None,
           dedupe_window_seconds: int | None, model_path: Path | None) -> None:
    """Cluster reposts in a JSON-lines file the way the worker folds them: each line is written back with
    `cluster`, the id of its cluster's first message. Bad lines are reported on stderr and skipped."""
    from streams.dedupe_cli import DedupeError, open_input, run_dedupe

    settings = make_settings(dedupe_window_seconds=dedupe_window_seconds, model_path=model_path)
    source = open_input(input_path)
    sink = sys.stdout.buffer if output_path is None or str(output_path) == "-" else output_path.open("wb")
    try:
        written, bad = run_dedupe(source, sink, settings, lambda text: click.echo(text, err=True),
                                  redis_url=redis_url)
    except DedupeError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        if source is not sys.stdin.buffer:
            source.close()
        if sink is not sys.stdout.buffer:
            sink.close()
    click.echo(f"{written} messages clustered, {bad} bad lines skipped", err=True)


main.add_command(desk)


if __name__ == "__main__":
    main()
