//! The interview prompt library (`interview/prompts.toml`) states each
//! prompt's inputs and figures; `estimates` computes them. This test holds
//! the two to each other, so the prompt pages, the code and the numbers a
//! candidate is held to agree.

use coffee_patterns::estimates::{self, Figure};
use toml::Value;

const LIBRARY: &str = include_str!("../../../interview/prompts.toml");

fn prompts() -> Vec<Value> {
    let library: toml::Table = LIBRARY.parse().expect("prompts.toml parses");
    library["prompt"].as_array().expect("[[prompt]]").clone()
}

fn number(value: &Value) -> f64 {
    match value {
        Value::Integer(i) => *i as f64,
        Value::Float(f) => *f,
        other => panic!("not a number: {other}"),
    }
}

/// Every stated figure (name, value, unit, decimals) is the computed one.
fn same(prompt: &str, what: &str, stated: &[Value], computed: &[Figure]) {
    let names: Vec<&str> = stated.iter().map(|f| f["name"].as_str().unwrap()).collect();
    let expected: Vec<&str> = computed.iter().map(|f| f.name).collect();
    assert_eq!(names, expected, "{prompt}: the {what} differ");
    for (s, c) in stated.iter().zip(computed) {
        let unit = s.get("unit").and_then(Value::as_str).unwrap_or("");
        let decimals = s.get("decimals").and_then(Value::as_integer).unwrap_or(0);
        assert_eq!(unit, c.unit, "{prompt}: unit of {}", c.name);
        assert_eq!(
            decimals,
            i64::from(c.decimals),
            "{prompt}: decimals of {}",
            c.name
        );
        let value = number(&s["value"]);
        assert!(
            (value - c.shown()).abs() < 1e-9,
            "{prompt}: {} is {value} in prompts.toml but the code computes {} ({})",
            c.name,
            c.shown(),
            c.value
        );
    }
}

#[test]
fn every_figure_the_library_states_is_the_one_the_code_computes() {
    let prompts = prompts();
    assert!(prompts.len() >= 10);
    for prompt in &prompts {
        let id = prompt["id"].as_str().unwrap();
        let computed = estimates::for_prompt(id)
            .unwrap_or_else(|| panic!("no estimate for the prompt {id} in estimates.rs"));
        let numbers = &prompt["numbers"];
        same(
            id,
            "inputs",
            numbers["input"].as_array().unwrap(),
            &computed.inputs,
        );
        same(
            id,
            "figures",
            numbers["figure"].as_array().unwrap(),
            &computed.figures,
        );
    }
}

#[test]
fn the_library_and_the_code_have_the_same_prompts_in_the_same_order() {
    let ids: Vec<String> = prompts()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    let computed: Vec<&str> = estimates::all().iter().map(|p| p.prompt).collect();
    assert_eq!(ids, computed);
}

#[test]
fn a_changed_figure_is_caught() {
    // The comparison is not vacuous: the locator with its server count off
    // by one differs.
    let mut computed = estimates::coffee_shop_locator();
    computed.figures.last_mut().unwrap().value += 1.0;
    let prompts = prompts();
    let stated = prompts[0]["numbers"]["figure"].as_array().unwrap().clone();
    let result = std::panic::catch_unwind(|| {
        same("coffee-shop-locator", "figures", &stated, &computed.figures)
    });
    assert!(result.is_err());
}
