import { DEFAULT_RETENTION, describePeriod } from "@crm/core";
import { describe, expect, it } from "vitest";
import { PrivacyTemplateError, privacyValues, renderPrivacyPage } from "./privacy-page";

describe("the privacy page template", () => {
  it("escapes every value and keeps the sections that apply", () => {
    const template =
      '<!-- {{#doc}}notes{{/doc}} -->\n<h1>{{ appName }}</h1>{{#contact}}<a href="{{contactHref}}">{{contact}}</a>{{/contact}}{{^controller}}<p>the operator</p>{{/controller}}';
    const values = privacyValues({
      appName: `Coach & "Co" <script>alert(1)</script>`,
      contact: "privacy@example.com",
      retention: DEFAULT_RETENTION,
    });
    expect(renderPrivacyPage(template, values)).toBe(
      '<h1>Coach &amp; &quot;Co&quot; &lt;script&gt;alert(1)&lt;/script&gt;</h1><a href="mailto:privacy@example.com">privacy@example.com</a><p>the operator</p>',
    );
  });

  it("links a URL contact as it is, and drops the contact section without one", () => {
    const template = '{{#contact}}<a href="{{contactHref}}">x</a>{{/contact}}{{^contact}}none{{/contact}}';
    const withUrl = privacyValues({
      appName: "CRM",
      contact: "https://example.com/privacy?a=1&b=2",
      retention: DEFAULT_RETENTION,
    });
    expect(renderPrivacyPage(template, withUrl)).toBe('<a href="https://example.com/privacy?a=1&amp;b=2">x</a>');
    expect(renderPrivacyPage(template, privacyValues({ appName: "CRM", retention: DEFAULT_RETENTION }))).toBe("none");
  });

  it("refuses a placeholder it does not know", () => {
    const values = privacyValues({ appName: "CRM", retention: DEFAULT_RETENTION });
    expect(() => renderPrivacyPage("<p>{{contactEmail}}</p>", values)).toThrow(PrivacyTemplateError);
    expect(() => renderPrivacyPage("<p>{{contactEmail}}</p>", values)).toThrow("unknown placeholder {{contactEmail}}");
  });

  it("describes periods in words", () => {
    expect(describePeriod(365 * 24)).toBe("1 year");
    expect(describePeriod(730 * 24)).toBe("2 years");
    expect(describePeriod(90 * 24)).toBe("90 days");
    expect(describePeriod(72)).toBe("3 days");
    expect(describePeriod(48)).toBe("48 hours");
    expect(describePeriod(24)).toBe("24 hours");
    expect(describePeriod(36)).toBe("36 hours");
    expect(describePeriod(1)).toBe("1 hour");
  });
});
