"""`manage.py generate_dataset --scale county|province|N --seed S [--force]`

Fills the database with a synthetic county (factor 1: 20 townships, ~3,000 enterprises, ~150,000
members, ~10,000 complaints) or province (factor 100: 13 cities, 99 counties, ~2,000 townships,
300,000 enterprises, 15 million members, 1 million complaints); see apps/bench/generator.py.

Deterministic for a seed and day, resumable (one transaction per stage and county; done stages are
skipped) and refuses a database with real data unless --force.

Measured on this machine (2 cores, 23 GB RAM, PostgreSQL 15 on local disk, shared with other work):
  county (factor 1): 32-39 s, database 217 MB (an empty migrated one is ~11 MB); a second run
    with the same seed skips every stage in 0.2 s.
  factor 3 (3 counties in one city): 89 s, 618 MB: about 29 s and 205 MB per county, linear.
  province (factor 100 = 99 counties, ~2,000 townships), estimated from the factor-3 run: about
    50 min (99 x 29 s, plus ~30 s for the tree; allow up to 75 min as the unique and trigram indexes
    outgrow memory), about 20 GB of database plus transient WAL, so leave 25 GB free. Memory stays
    flat: one county's plan and a 50,000-row COPY buffer at a time. An interrupted run resumes at
    the first county stage that is not there yet.
"""

from django.core.management.base import BaseCommand, CommandError

from apps.bench.generator import DatasetRefused, generate_dataset


class Command(BaseCommand):
    help = "Fill the database with a synthetic county- or province-scale dataset for the benchmark."

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="county", help="county, province, or a factor such as 0.01")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--force", action="store_true", help="write next to data the generator did not make")

    def handle(self, *args, scale, seed, force, **options):
        try:
            counts = generate_dataset(scale=scale, seed=seed, force=force, log=self.stdout.write)
        except DatasetRefused as exc:
            raise CommandError(str(exc)) from exc
        for table, rows in sorted(counts.items()):
            self.stdout.write(f"  {table:<36} {rows:>10,}")
