#include <catch2/catch.hpp>

#include <lauter/sim/schema.hpp>

#include "../support/test_support.hpp"

#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace lauter::sim::schema;
using lauter::test::config_error_of;
using lauter::test::TempDir;

namespace {

/// A schema unrelated to scenarios: the engine must work for any tree of keys, including a
/// list of tagged entries like the later `modifications:`.
KeySpec test_schema() {
    return mapping_key(
        "",
        {
            string_key("title", "title").make_required(),
            number_key("speed_m_per_s", "speed")
                .with_unit("m/s")
                .with_range(0.0, 50.0)
                .with_default("1.5"),
            mapping_key("group",
                        {integer_key("count", "count").with_default("3"),
                         boolean_key("on", "switch").with_default("false")},
                        "a group"),
            sequence_key("changes", {string_key("label", "label of the change")},
                         "ordered list of changes")
                .with_variants(
                    "type",
                    {
                        mapping_key("unseal",
                                    {number_key("fraction", "share unsealed")
                                         .with_range(0.0, 1.0)
                                         .make_required()},
                                    "remove sealing"),
                        mapping_key(
                            "plant_trees",
                            {integer_key("count", "trees").with_range(1.0, 1e6).make_required(),
                             number_list_key("at", {"x", "y"}, "where").with_unit("m")},
                            "plant trees"),
                    }),
            sequence_key("notes", {string_key("text", "note text").make_required()}, "notes"),
        },
        "test root");
}

ValidationResult run(const std::string& text, const std::vector<std::string>& overrides = {}) {
    Document doc = parse_document(text, "t.yaml", "/tmp");
    for (const std::string& o : overrides) {
        apply_override(doc, o);
    }
    return validate(test_schema(), doc);
}

std::vector<std::string> problems(const std::string& text,
                                  const std::vector<std::string>& overrides = {}) {
    return run(text, overrides).diagnostics.sorted_lines();
}

} // namespace

TEST_CASE("edit distance: oracle values and properties", "[schema]") {
    CHECK(edit_distance("", "") == 0);
    CHECK(edit_distance("", "abc") == 3);
    CHECK(edit_distance("kitten", "sitting") == 3);
    CHECK(edit_distance("resolutoin_m", "resolution_m") == 1); // one transposition
    CHECK(edit_distance("ca", "ac") == 1);
    CHECK(edit_distance("ca", "abc") == 3); // restricted form: no edit of a transposed pair
    CHECK(edit_distance("flaw", "lawn") == 2);

    std::mt19937 rng(20240611U);
    std::uniform_int_distribution<int> length(0, 8);
    std::uniform_int_distribution<int> letter('a', 'd');
    auto random_word = [&] {
        std::string w(static_cast<std::size_t>(length(rng)), 'a');
        for (char& c : w) {
            c = static_cast<char>(letter(rng));
        }
        return w;
    };
    for (int i = 0; i < 200; ++i) {
        const std::string a = random_word();
        const std::string b = random_word();
        const std::size_t d = edit_distance(a, b);
        CHECK(d == edit_distance(b, a));
        CHECK(d <= std::max(a.size(), b.size()));
        CHECK(d >= (a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()));
        CHECK((d == 0) == (a == b));
    }
}

TEST_CASE("closest_match suggests only likely misspellings", "[schema]") {
    const std::vector<std::string> keys = {"name", "study_area", "inputs", "resolution_m"};
    CHECK(closest_match("nmae", keys) == std::optional<std::string>("name"));
    CHECK(closest_match("Name", keys) == std::optional<std::string>("name"));
    CHECK(closest_match("studyarea", keys) == std::optional<std::string>("study_area"));
    CHECK(closest_match("input", keys) == std::optional<std::string>("inputs"));
    // Distance 3 but within a third of a long word.
    CHECK(closest_match("resolution_in_m", keys) == std::optional<std::string>("resolution_m"));
    CHECK_FALSE(closest_match("weather", keys).has_value());
    CHECK_FALSE(closest_match("xy", {"ab"}).has_value());
    CHECK_FALSE(closest_match("anything", {}).has_value());
}

TEST_CASE("the engine fills defaults and keeps schema order", "[schema]") {
    const ValidationResult r = run("group: {on: true}\ntitle: hello\n");
    REQUIRE(r.diagnostics.empty());
    const std::string yaml = emit_yaml(r.resolved, "header line\nsecond");
    CHECK(yaml == "# header line\n# second\n"
                  "title: hello\n"
                  "speed_m_per_s: 1.5\n"
                  "group:\n  count: 3\n  on: true\n"
                  "changes: []\n"
                  "notes: []\n");
    CHECK(r.is_given("title"));
    CHECK(r.is_given("group.on"));
    CHECK_FALSE(r.is_given("group.count"));
    CHECK(r.location_of("group.on").to_string() == "t.yaml:1:9");
    // A defaulted key points at its nearest given ancestor.
    CHECK(r.location_of("group.count").to_string() == "t.yaml:1:1");
}

TEST_CASE("sequences of tagged mappings are validated entry by entry", "[schema]") {
    const std::string text = "title: t\n"              // 1
                             "changes:\n"              // 2
                             "  - type: unseal\n"      // 3
                             "    fraction: 0.5\n"     // 4
                             "    label: yard\n"       // 5
                             "  - type: plant_trees\n" // 6
                             "    count: 12\n"         // 7
                             "    at: [10, 20]\n";     // 8
    const ValidationResult r = run(text);
    REQUIRE(r.diagnostics.empty());
    const std::string yaml = emit_yaml(r.resolved, "");
    CHECK(yaml.find("- type: unseal\n    label: yard\n    fraction: 0.5") != std::string::npos);
    CHECK(yaml.find("- type: plant_trees\n    label: ~\n    count: 12\n    at: [10, 20]") !=
          std::string::npos);

    const auto lines = problems("title: t\n"                       // 1
                                "changes:\n"                       // 2
                                "  - type: unsael\n"               // 3
                                "  - type: plant_trees\n"          // 4
                                "    fraction: 0.5\n"              // 5
                                "  - label: no type\n"             // 6
                                "  - just text\n"                  // 7
                                "notes: [{text: a}, {txt: b}]\n"); // 8
    REQUIRE(lines.size() == 6);
    CHECK(lines[0] == "t.yaml:3:11: changes[0].type: unknown value 'unsael'; did you mean "
                      "'unseal'? (allowed: unseal, plant_trees)");
    CHECK(lines[1] == "t.yaml:4:5: changes[1].count: required key is missing; add it to "
                      "'changes[1]' (trees)");
    CHECK(lines[2] == "t.yaml:5:5: unknown key 'fraction' in 'changes[1]'; allowed keys: type, "
                      "label, count, at");
    CHECK(lines[3] == "t.yaml:6:5: changes[2]: missing key 'type'; give one of unseal, "
                      "plant_trees");
    CHECK(lines[4] == "t.yaml:7:5: changes[3]: expected a mapping of keys, got 'just text'");
    CHECK(lines[5].rfind("t.yaml:8:21: unknown key 'txt' in 'notes[1]'; did you mean 'text'?", 0) ==
          0);
}

TEST_CASE("null values: optional keys fall back to defaults, required keys complain", "[schema]") {
    const ValidationResult r = run("title: x\nspeed_m_per_s: ~\ngroup:\n");
    CHECK(r.diagnostics.empty());
    CHECK(emit_yaml(r.resolved, "").find("speed_m_per_s: 1.5") != std::string::npos);
    CHECK(problems("title: ~\n") ==
          std::vector<std::string>{"t.yaml:1:1: title: a value is required (title)"});
    CHECK(problems("") ==
          std::vector<std::string>{
              "t.yaml:1:1: title: required key is missing; add it at the top level (title)"});
    CHECK(problems("- a\n- b\n") ==
          std::vector<std::string>{
              "t.yaml:1:1: expected a mapping of keys at the top level, got a list"});
    CHECK(problems("title: x\n? [a, b]\n: 1\n") ==
          std::vector<std::string>{
              "t.yaml:2:3: keys must be plain names, got a list at the top level"});
}

TEST_CASE("overrides create nested keys and are reported by option", "[schema]") {
    SECTION("into a document without the mapping") {
        const ValidationResult r = run("title: x\n", {"group.count=7", "speed_m_per_s=2"});
        REQUIRE(r.diagnostics.empty());
        const std::string yaml = emit_yaml(r.resolved, "");
        CHECK(yaml.find("count: 7") != std::string::npos);
        CHECK(yaml.find("speed_m_per_s: 2") != std::string::npos);
        CHECK(r.location_of("group.count").to_string() == "option --set group.count=7");
    }
    SECTION("into an empty document") {
        const ValidationResult r = run("", {"title=from the command line"});
        CHECK(r.diagnostics.empty());
        CHECK(emit_yaml(r.resolved, "").rfind("title: from the command line\n", 0) == 0);
    }
    SECTION("errors name the option and follow the file's errors") {
        const auto lines =
            problems("title: x\ngroup: {count: -1.5}\n", {"group.cuont=1", "speed_m_per_s=99"});
        REQUIRE(lines.size() == 3);
        CHECK(lines[0] == "t.yaml:2:16: group.count: expected a whole number, got '-1.5'");
        CHECK(lines[1] == "option --set group.cuont=1: unknown key 'cuont' in 'group'; did you "
                          "mean 'count'?");
        CHECK(lines[2] == "option --set speed_m_per_s=99: speed_m_per_s: 99 is out of range; "
                          "expected 0 to 50 (m/s)");
    }
    SECTION("an override replaces the file's value") {
        const ValidationResult r = run("title: x\ngroup: {count: -1.5}\n", {"group.count=4"});
        CHECK(r.diagnostics.empty());
        CHECK(r.location_of("group.count").to_string() == "option --set group.count=4");
    }
    SECTION("malformed flow values") {
        Document doc = parse_document("title: x\n", "t.yaml", "/tmp");
        CHECK(config_error_of([&] { apply_override(doc, "changes=[{type: unseal"); })
                  .rfind("option --set changes=[{type: unseal: the value is not a valid YAML list "
                         "or mapping",
                         0) == 0);
        CHECK(config_error_of([&] {
                  apply_override(doc, "=3");
              }).rfind("option --set =3: expected KEY=VALUE", 0) == 0);
    }
}

TEST_CASE("Diagnostics sort by source, line and column and join into one ConfigError", "[schema]") {
    Diagnostics d;
    CHECK(config_error_of([&] { d.throw_if_any(); }).empty());
    d.add(SourceLocation{"option --set a=1", 0, 0, 1}, "third");
    d.add(SourceLocation{"f.yaml", 12, 5, 0}, "second");
    d.add(SourceLocation{"f.yaml", 3, 3, 0}, "first");
    d.add(SourceLocation{"option --set b=2", 0, 0, 2}, "fourth");
    CHECK(d.size() == 4);
    CHECK(config_error_of([&] { d.throw_if_any(); }) ==
          "f.yaml:3:3: first\nf.yaml:12:5: second\noption --set a=1: third\n"
          "option --set b=2: fourth");
}

TEST_CASE("documents: syntax errors with position, files that cannot be read", "[schema]") {
    CHECK(config_error_of([] {
              (void)parse_document("a: [1,\n", "bad.yaml", "/tmp");
          }).rfind("bad.yaml:2:1: YAML syntax error:", 0) == 0);
    const TempDir dir("schema_doc");
    const auto file = dir.write("sub/ok.yaml", "title: t\nnotes:\n  - text: ../x\n");
    const Document doc = read_document(file);
    CHECK(doc.source_name == file.string());
    CHECK(doc.base_dir == file.parent_path());
    CHECK(validate(test_schema(), doc).diagnostics.empty());
}

TEST_CASE("path and CRS values", "[schema]") {
    const TempDir dir("schema_paths");
    dir.write("data/a.tif", "x");
    const KeySpec root = mapping_key(
        "", {path_key("file", "the input"), crs_key("crs", "a CRS").with_default("EPSG:25832")},
        "root");
    Document doc = parse_document("file: data/./a.tif\ncrs: '+proj=utm +zone=32 +datum=WGS84'\n",
                                  "p.yaml", dir.path());
    ValidationResult r = validate(root, doc);
    REQUIRE(r.diagnostics.empty());
    CHECK(r.resolved["file"].Scalar() == (dir.path() / "data" / "a.tif").string());

    doc = parse_document("{}", "p.yaml", dir.path());
    r = validate(root, doc);
    CHECK(r.resolved["crs"].Scalar() == "EPSG:25832");
    CHECK(r.resolved["file"].IsNull());

    std::string gdal_message;
    const auto utm = parse_crs("EPSG:25832", gdal_message);
    REQUIRE(utm.has_value());
    CHECK(utm->is_projected);
    CHECK(utm->linear_unit_m == 1.0);
    CHECK(utm->name == "ETRS89 / UTM zone 32N");
    const auto wgs84 = parse_crs("EPSG:4326", gdal_message);
    REQUIRE(wgs84.has_value());
    CHECK(wgs84->is_geographic);
    CHECK_FALSE(parse_crs("EPSG:123456789", gdal_message).has_value());
    CHECK_FALSE(gdal_message.empty());
}

TEST_CASE("render_markdown lists every key, variants and rules", "[schema]") {
    const std::string md = render_markdown(test_schema(), "Test", "Intro.", {"A rule."});
    CHECK(md.rfind("# Test\n\nIntro.\n\n| Key | Type | Default | Allowed | Description |", 0) == 0);
    for (const char* row : {"| `title` | string | **required** |",
                            "| `speed_m_per_s` | number | `1.5` | 0 to 50 m/s | speed |",
                            "| `group.count` | integer | `3` |", "| `group.on` | boolean |",
                            "| `changes` | list of mappings | `[]` |", "### `type: plant_trees`",
                            "| `changes[].at` | list of 2 numbers |",
                            "| `notes[].text` | string | **required** |", "- A rule."}) {
        INFO(row);
        CHECK(md.find(row) != std::string::npos);
    }
}
