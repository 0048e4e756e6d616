"""require-https-listener-rules: a rule's TLS is its listener's."""

from ruletest import res, run

RULE = "require-https-listener-rules"
LISTENER, RULE_TYPE = "aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule"
FORWARD = [{"type": "forward", "targetGroupArn": "arn:tg"}]
REDIRECT = [{"type": "redirect", "redirect": {"protocol": "HTTPS"}}]
FIXED = [{"type": "fixed-response", "fixedResponse": {"contentType": "text/plain", "statusCode": "404"}}]


def _case(protocol, actions, refs=True):
    listener = res("l", LISTENER, {"protocol": protocol})
    rule = res(
        "r",
        RULE_TYPE,
        {"listenerArn": "arn:l", "actions": actions},
        **({"refs": {"listenerArn": "l"}} if refs else {}),
    )
    return run(RULE, [listener, rule])


def test_forward_only_on_tls_listeners():
    assert _case("HTTPS", FORWARD) == []
    assert _case("HTTP", REDIRECT) == []
    assert (
        _case("HTTP", FIXED) == []
    )  # a fixed response neither forwards a request nor returns a target's answer
    assert _case("HTTP", FORWARD) == [
        (
            "r",
            "the rule on plain listener l forwards traffic without TLS; only an "
            "HTTP→HTTPS redirect or a fixed response is allowed there",
        )
    ]
    assert _case("HTTP", FIXED + FORWARD)[0][1].startswith("the rule on plain listener l forwards")


def test_listener_outside_the_stack_cannot_be_judged():
    assert "cannot be judged" in _case("HTTPS", FORWARD, refs=False)[0][1]
