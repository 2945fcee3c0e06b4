"""Tests of the synthetic claims generator: layout, determinism, planted cases, scale."""

import csv
import re
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from infusion_integrity.contract import ELIGIBILITY_COLUMNS, MEDICAL_CLAIM_COLUMNS
from infusion_integrity.generator import GenerationResult, generate_sample
from infusion_integrity.generator.__main__ import main
from infusion_integrity.generator.ids import npi_check_digit

SMALL_MEMBERS = 120
MONTHS = (
    "2025_07", "2025_08", "2025_09", "2025_10", "2025_11", "2025_12",
    "2026_01", "2026_02", "2026_03", "2026_04", "2026_05", "2026_06",
)
OMITTED_DIAGNOSIS_COLUMNS = {f"diagnosis_code_{i}" for i in range(13, 26)}
EXPECTED_CLAIM_COLUMNS = [
    column for column in MEDICAL_CLAIM_COLUMNS if column not in OMITTED_DIAGNOSIS_COLUMNS
]
KETAMINE = "ketamine_infusion_mental_health"
IV = "iv_infusion_mental_health"
EXPECTED_GROUND_TRUTH = {
    ("K1", KETAMINE, "ketamine_mh_dx_primary"),
    ("K2", KETAMINE, "ketamine_mh_dx_primary"),
    ("K3", KETAMINE, "ketamine_mh_dx_secondary"),
    ("K4", KETAMINE, "ketamine_mh_dx_primary"),
    ("K5", KETAMINE, "ketamine_noc_drug_not_identified"),
    ("K5", IV, "iv_noc_drug_unidentified"),
    ("K6_DUPLICATE", KETAMINE, "ketamine_mh_dx_primary"),
    ("I1", IV, "iv_no_medication"),
    ("I2", IV, "iv_noc_drug_unidentified"),
    ("I2", KETAMINE, "ketamine_noc_drug_not_identified"),
    ("I3", IV, "iv_drug_not_indicated"),
    ("I4", IV, "iv_drug_not_indicated"),
    ("I5", IV, "iv_no_medication"),
}
NEAR_MISS_CASE_IDS = {
    "K_NM_ANESTHESIA",
    "K_NM_ECT",
    "K_NM_ESKETAMINE_G2082",
    "K_NM_ESKETAMINE_G2083",
    "K_NM_ESKETAMINE_S0013",
    "K_NM_ESKETAMINE_J0013",
    "K_NM_EMERGENCY_ROOM",
    "K_NM_INPATIENT",
    "K_NM_NICOTINE_ONLY",
    "K_NM_FIBROMYALGIA",
    "K_NM_MH_NOT_POINTED",
    "K_NM_VOIDED",
    "K_NM_REPLACED_BY_PAIN_DX",
    "I_NM_BREXANOLONE",
    "I_NM_PALIPERIDONE",
    "I_NM_HYDRATION_ALCOHOL_WITHDRAWAL",
    "I_NM_DEMENTIA_NO_DRUG",
    "I_NM_NICOTINE_NO_DRUG",
    "I_NM_MH_SECONDARY_UNPOINTED",
    "I_NM_INPATIENT_DEMENTIA",
    "I_NM_PHARMACY_REVENUE",
}
DRUG_ADMINISTRATION_PREFIXES = ("963", "964", "965")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Sample:
    """A generated sample, loaded into tables of an in-memory DuckDB database."""

    def __init__(self, folder: Path, result: GenerationResult, file_format: str) -> None:
        self.folder = folder
        self.result = result
        self.claims_dir = folder / "claims"
        self.ground_truth_path = folder / "ground_truth.csv"
        self.connection = duckdb.connect()
        tables = {
            "monthly": "medical_claim_2*",
            "resend": "medical_claim_resend_*",
            "eligibility": "eligibility",
        }
        for table, stem in tables.items():
            reader = _reader(self.claims_dir, stem, file_format)
            self.connection.execute(f"create table {table} as select * from {reader}")
        self.connection.execute(
            "create view claims as select * from monthly union all by name select * from resend"
        )
        with self.ground_truth_path.open(newline="", encoding="utf-8") as handle:
            self.ground_truth = list(csv.DictReader(handle))

    def rows(self, sql: str) -> list[tuple]:
        return self.connection.execute(sql).fetchall()

    def case(self, case_id: str):
        return next(case for case in self.result.cases if case.case_id == case_id)


def _reader(folder: Path, stem: str, file_format: str) -> str:
    pattern = str(folder / f"{stem}.{file_format}")
    if file_format == "csv":
        return f"read_csv('{pattern}', all_varchar = true, union_by_name = true)"
    return f"read_parquet('{pattern}', union_by_name = true)"


def _generate(folder: Path, file_format: str = "csv", **options) -> Sample:
    result = generate_sample(
        folder / "claims", folder / "ground_truth.csv", file_format=file_format, **options
    )
    return Sample(folder, result, file_format)


def _case_line_count(result: GenerationResult) -> int:
    """Count the lines of planted and messy cases, resend copies included."""
    lines = [line for case in result.cases for line in case.lines]
    return len(lines) + sum(line.resend for line in lines)


def _file_bytes(folder: Path) -> dict[str, bytes]:
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in files}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    return _generate(tmp_path_factory.mktemp("sample"), members=SMALL_MEMBERS)


@pytest.fixture(scope="module")
def parquet_sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    return _generate(tmp_path_factory.mktemp("parquet"), "parquet", members=SMALL_MEMBERS)


def test_same_seed_gives_identical_csv(tmp_path: Path) -> None:
    _generate(tmp_path / "first", members=SMALL_MEMBERS, seed=7)
    _generate(tmp_path / "second", members=SMALL_MEMBERS, seed=7)

    first = _file_bytes(tmp_path / "first")
    second = _file_bytes(tmp_path / "second")
    assert sorted(first) == sorted(second)
    for name in first:
        assert first[name] == second[name], name


def test_same_seed_gives_identical_parquet(tmp_path: Path) -> None:
    _generate(tmp_path / "first", "parquet", members=SMALL_MEMBERS, seed=7)
    _generate(tmp_path / "second", "parquet", members=SMALL_MEMBERS, seed=7)

    first = _file_bytes(tmp_path / "first")
    second = _file_bytes(tmp_path / "second")
    assert sorted(first) == sorted(second)
    for name in first:
        assert first[name] == second[name], name


def test_other_seed_changes_background(tmp_path: Path) -> None:
    _generate(tmp_path / "first", members=SMALL_MEMBERS, seed=7)
    _generate(tmp_path / "second", members=SMALL_MEMBERS, seed=8)

    first = _file_bytes(tmp_path / "first")
    second = _file_bytes(tmp_path / "second")
    assert first["claims/medical_claim_2025_07.csv"] != second["claims/medical_claim_2025_07.csv"]


def test_output_layout(sample: Sample) -> None:
    names = sorted(path.name for path in sample.claims_dir.iterdir())
    expected = sorted(
        [f"medical_claim_{month}.csv" for month in MONTHS]
        + ["medical_claim_resend_2026_01.csv", "eligibility.csv"]
    )
    assert names == expected
    assert sorted(path.name for path in sample.result.files) == expected


def test_claim_columns_follow_contract(sample: Sample) -> None:
    for path in sample.claims_dir.glob("medical_claim_*.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert header == EXPECTED_CLAIM_COLUMNS, path.name


def test_eligibility_columns_follow_contract(sample: Sample) -> None:
    with (sample.claims_dir / "eligibility.csv").open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == list(ELIGIBILITY_COLUMNS)


def test_file_name_and_ingest_datetime(sample: Sample) -> None:
    rows = sample.rows(
        "select filename, file_name, ingest_datetime from "
        f"read_csv('{sample.claims_dir}/medical_claim_*.csv', all_varchar = true, filename = true) "
        "group by all"
    )
    assert len(rows) == 13
    for path, file_name, ingest_datetime in rows:
        assert Path(path).name == file_name
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", ingest_datetime)


def test_claim_lines_counted(sample: Sample) -> None:
    [(count,)] = sample.rows("select count(*) from claims")
    assert count == sample.result.claim_lines


def test_mental_health_ground_truth_matches_cases(sample: Sample) -> None:
    mental_health_rows = [
        row for row in sample.ground_truth if row["rule_id"] in (KETAMINE, IV)
    ]
    found = {(row["case_id"], row["rule_id"], row["reason_code"]) for row in mental_health_rows}
    assert found == EXPECTED_GROUND_TRUTH
    assert len(mental_health_rows) == len(EXPECTED_GROUND_TRUTH)
    assert sample.result.ground_truth_rows == len(sample.ground_truth)


def test_every_catalog_reason_code_has_a_planted_case(sample: Sample) -> None:
    catalog_path = Path(__file__).resolve().parents[2] / "seeds" / "rule_catalog.csv"
    with catalog_path.open(newline="") as handle:
        catalog = {(row["rule_id"], row["reason_code"]) for row in csv.DictReader(handle)}
    planted = {(row["rule_id"], row["reason_code"]) for row in sample.ground_truth}
    assert catalog - planted == set(), "reason codes without a planted case"
    assert planted - catalog == set(), "ground truth names reason codes not in the catalog"


def test_ground_truth_claims_exist(sample: Sample) -> None:
    claim_persons = set(sample.rows("select distinct claim_id, person_id from monthly"))
    for row in sample.ground_truth:
        assert (row["claim_id"], row["person_id"]) in claim_persons, row["case_id"]


def test_ground_truth_has_descriptions(sample: Sample) -> None:
    for row in sample.ground_truth:
        assert row["description"], row["case_id"]


def test_near_miss_claims_not_in_ground_truth(sample: Sample) -> None:
    flagged = {row["claim_id"] for row in sample.ground_truth}
    quiet_cases = [case for case in sample.result.cases if not case.expects_alert]

    assert NEAR_MISS_CASE_IDS <= {case.case_id for case in quiet_cases}
    for case in quiet_cases:
        for claim_id in case.claim_ids:
            assert claim_id not in flagged, case.case_id


def test_near_miss_claims_exist(sample: Sample) -> None:
    claim_ids = {claim_id for (claim_id,) in sample.rows("select distinct claim_id from monthly")}
    for case_id in NEAR_MISS_CASE_IDS:
        for claim_id in sample.case(case_id).claim_ids:
            assert claim_id in claim_ids, case_id


def test_split_billing_flags_only_administration_claim(sample: Sample) -> None:
    administration_claim, drug_claim = sample.case("I4").claim_ids
    flagged = {row["claim_id"] for row in sample.ground_truth if row["case_id"] == "I4"}
    assert flagged == {administration_claim}
    assert drug_claim not in {row["claim_id"] for row in sample.ground_truth}


def test_each_planted_case_has_own_person(sample: Sample) -> None:
    persons_by_case = {
        case.case_id: {member.person_id for member in case.members} for case in sample.result.cases
    }
    seen: dict[str, str] = {}
    for case_id, persons in persons_by_case.items():
        for person in persons:
            assert person not in seen, f"{person} in {seen.get(person)} and {case_id}"
            seen[person] = case_id


def test_resend_rows_exist_in_monthly_files(sample: Sample) -> None:
    file_columns = ("file_name", "ingest_datetime")
    business_columns = ", ".join(
        column for column in EXPECTED_CLAIM_COLUMNS if column not in file_columns
    )
    [(resend_count,)] = sample.rows("select count(*) from resend")
    [(unmatched,)] = sample.rows(
        f"select count(*) from (select {business_columns} from resend "
        f"except all select {business_columns} from monthly)"
    )
    assert 10 <= resend_count <= 20
    assert unmatched == 0


def test_resend_contains_k6_duplicate(sample: Sample) -> None:
    [k6_claim] = sample.case("K6_DUPLICATE").claim_ids
    resend_claims = {
        claim_id for (claim_id,) in sample.rows("select distinct claim_id from resend")
    }
    k6_rows = [row for row in sample.ground_truth if row["claim_id"] == k6_claim]
    assert k6_claim in resend_claims
    assert len(k6_rows) == 1


def test_resend_dates_precede_resend(sample: Sample) -> None:
    [(latest,)] = sample.rows("select max(claim_start_date) from resend")
    assert latest < "2025-11-01"


def test_line_count_scales_with_members(tmp_path: Path) -> None:
    small = _generate(tmp_path / "small", members=100).result
    large = _generate(tmp_path / "large", members=400).result
    case_lines = _case_line_count(small)

    assert case_lines == _case_line_count(large)
    assert 3.8 <= (large.claim_lines - case_lines) / (small.claim_lines - case_lines) <= 4.2


def test_target_lines_parquet(tmp_path: Path) -> None:
    target = 200_000
    result = generate_sample(
        tmp_path / "claims",
        tmp_path / "ground_truth.csv",
        target_lines=target,
        file_format="parquet",
    )
    claim_files = [path for path in result.files if path.name.startswith("medical_claim_")]
    counted = sum(pq.ParquetFile(path).metadata.num_rows for path in claim_files)

    assert counted == result.claim_lines
    assert abs(counted - target) <= 0.05 * target
    assert result.members == pytest.approx(target / 20, rel=0.05)


def test_parquet_columns_are_strings(parquet_sample: Sample) -> None:
    for path in parquet_sample.result.files:
        schema = pq.read_schema(path)
        for field in schema:
            assert field.type == pa.string(), f"{path.name}: {field.name} is {field.type}"


def test_parquet_matches_csv_rows(sample: Sample, parquet_sample: Sample) -> None:
    columns = ", ".join(c for c in EXPECTED_CLAIM_COLUMNS if c != "file_name")
    csv_rows = sample.rows(f"select {columns} from claims order by all")
    parquet_rows = parquet_sample.rows(f"select {columns} from claims order by all")
    assert csv_rows == parquet_rows


def test_npis_are_synthetic(sample: Sample) -> None:
    npis = sample.rows(
        "select distinct npi from ("
        "select unnest([rendering_npi, billing_npi, facility_npi]) as npi from claims"
        ") where npi is not null"
    )
    assert npis
    for (npi,) in npis:
        assert re.fullmatch(r"9\d{9}", npi), npi
        assert int(npi[-1]) == npi_check_digit(npi[:9]), npi


def test_ids_are_synthetic(sample: Sample) -> None:
    rows = sample.rows("select distinct claim_id, person_id, member_id from claims")
    for claim_id, person_id, member_id in rows:
        # The messy cases leave one claim_id and one person_id empty on purpose.
        assert claim_id is None or re.fullmatch(r"C\d{7}", claim_id), claim_id
        assert person_id is None or re.fullmatch(r"P\d{6}", person_id), person_id
        assert re.fullmatch(r"M\d{6}", member_id), member_id


def test_service_dates_in_range(sample: Sample) -> None:
    dates = [
        value
        for (value,) in sample.rows("select distinct claim_line_start_date from claims")
        if value is not None and ISO_DATE.match(value)
    ]
    assert min(dates) >= "2025-07-01"
    assert max(dates) <= "2026-06-30"


def test_monthly_file_matches_service_month(sample: Sample) -> None:
    rows = sample.rows(
        "select file_name, left(claim_start_date, 7) as month, count(*) from monthly "
        "where claim_start_date similar to '\\d{4}-(0[1-9]|1[0-2])-\\d{2}' group by all"
    )
    for file_name, month, _ in rows:
        assert file_name == f"medical_claim_{month.replace('-', '_')}.csv"


def test_rejected_rows_present(sample: Sample) -> None:
    checks = {
        "claim_line_start_date = '03/15/2026'": 1,
        "claim_start_date = '2026-13-01'": 1,
        "claim_line_number = 'abc'": 1,
        "claim_id is null": 1,
        "person_id is null": 1,
        "paid_amount = '12,5O'": 1,
    }
    for condition, expected in checks.items():
        [(count,)] = sample.rows(f"select count(*) from monthly where {condition}")
        assert count == expected, condition


def test_messy_code_formats_present(sample: Sample) -> None:
    values = {
        "diagnosis_code_1": ["f331", " F33.1 ", "F33.1"],
        "ndc_code": [
            "00409-2053-01", "67457-108-10", "12345-6789-01", "00409 2053 01",
            "00409205301", "N400409205301 ML2", "0409205301",
        ],
        "hcpcs_code": ["96374-59", "9637459"],
        "hcpcs_modifier_1": ["xu"],
        "hcpcs_modifier_2": ["Xu"],
        "hcpcs_modifier_3": ["59"],
        "bill_type_code": ["13I"],
        "revenue_center_code": ["0001"],
        "claim_type": ["undetermined"],
    }
    for column, expected_values in values.items():
        found = {value for (value,) in sample.rows(f"select distinct {column} from monthly")}
        for value in expected_values:
            assert value in found, f"{column} = {value!r}"


def test_claim_versions_link_originals(sample: Sample) -> None:
    rows = sample.rows(
        "select distinct claim_frequency_code, bill_type_code, original_claim_id from monthly "
        "where original_claim_id is not null"
    )
    originals = {claim_id for (claim_id,) in sample.rows("select distinct claim_id from monthly")}
    kinds = {(frequency, bill_type) for frequency, bill_type, _ in rows}
    assert ("7", None) in kinds
    assert ("8", None) in kinds
    assert (None, "13I") in kinds
    for _, _, original in rows:
        assert original in originals


def test_reversal_amounts_negative(sample: Sample) -> None:
    [claim_id] = sample.case("M_REVERSAL_NO_ORIGINAL").claim_ids
    rows = sample.rows(
        f"select paid_amount, allowed_amount, charge_amount, original_claim_id from monthly "
        f"where claim_id = '{claim_id}'"
    )
    assert rows
    for paid, allowed, charge, original in rows:
        assert paid.startswith("-")
        assert allowed.startswith("-")
        assert charge.startswith("-")
        assert original is None


def test_reused_claim_id_has_two_persons(sample: Sample) -> None:
    [claim_id] = sample.case("M_CLAIM_ID_REUSED").claim_ids
    [(persons,)] = sample.rows(
        f"select count(distinct person_id) from monthly where claim_id = '{claim_id}'"
    )
    assert persons == 2


def test_background_one_claim_per_member_day(sample: Sample) -> None:
    case_persons = {m.person_id for case in sample.result.cases for m in case.members}
    rows = sample.rows(
        "select person_id, claim_start_date, count(distinct claim_id) from monthly "
        "group by all having count(distinct claim_id) > 1"
    )
    for person_id, service_date, _ in rows:
        assert person_id in case_persons, f"{person_id} has two claims on {service_date}"


def test_background_administration_without_mental_health(sample: Sample) -> None:
    case_persons = {m.person_id for case in sample.result.cases for m in case.members}
    dx_columns = ", ".join(f"diagnosis_code_{i}" for i in range(1, 13))
    prefixes = " or ".join(f"hcpcs_code like '{p}%'" for p in DRUG_ADMINISTRATION_PREFIXES)
    rows = sample.rows(
        f"select distinct person_id, unnest([{dx_columns}]) as dx from monthly where {prefixes}"
    )
    background_rows = [row for row in rows if row[0] not in case_persons]
    assert background_rows
    for person_id, dx in background_rows:
        assert dx is None or not dx.upper().startswith("F") or dx.startswith("F17"), (person_id, dx)


def test_background_has_no_ketamine_or_b12(sample: Sample) -> None:
    case_persons = {m.person_id for case in sample.result.cases for m in case.members}
    rows = sample.rows(
        "select distinct person_id from monthly where hcpcs_code in ('J3490', 'J3420') "
        "or lower(drug_description) like '%ketamin%'"
    )
    for (person_id,) in rows:
        assert person_id in case_persons, person_id


def test_eligibility_covers_claims(sample: Sample) -> None:
    [(uncovered,)] = sample.rows(
        "select count(*) from monthly c where c.person_id is not null "
        "and c.claim_start_date similar to '\\d{4}-(0[1-9]|1[0-2])-\\d{2}' and not exists ("
        "select 1 from eligibility e where e.person_id = c.person_id and e.plan = c.plan "
        "and c.claim_start_date between e.enrollment_start_date and e.enrollment_end_date)"
    )
    assert uncovered == 0


def test_earlier_output_replaced(tmp_path: Path) -> None:
    _generate(tmp_path, "parquet", members=20)
    _generate(tmp_path, "csv", members=20)
    assert not list((tmp_path / "claims").glob("*.parquet"))


def test_invalid_format_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="invalid file_format"):
        generate_sample(tmp_path / "claims", tmp_path / "truth.csv", file_format="xlsx")


def test_command_line_writes_sample(tmp_path: Path) -> None:
    exit_code = main(
        [
            "--output", str(tmp_path / "claims"),
            "--ground-truth", str(tmp_path / "ground_truth.csv"),
            "--members", "30",
            "--format", "parquet",
            "--seed", "3",
        ]
    )
    assert exit_code == 0
    assert (tmp_path / "claims" / "medical_claim_2025_07.parquet").exists()
    assert (tmp_path / "claims" / "eligibility.parquet").exists()
    assert (tmp_path / "ground_truth.csv").exists()
