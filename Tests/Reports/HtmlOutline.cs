using System.Xml.Linq;

namespace ScalePlanner.Tests.Reports;

/// <summary>
/// The structure of a report page without its volatile values: one line per section, heading, figure (with the file it
/// embeds and its series-free caption) and table (caption and header cells), in document order.
/// </summary>
public static class HtmlOutline
{
    public static XDocument Parse(string html) => XDocument.Parse(html);

    public static string Of(string html)
    {
        var lines = new List<string>();
        foreach (var element in Parse(html).Descendants())
        {
            switch (element.Name.LocalName)
            {
                case "section": lines.Add($"section #{element.Attribute("id")?.Value}"); break;
                case "h1" or "h2": lines.Add($"  {element.Name.LocalName} {element.Value}"); break;
                case "figure": lines.Add($"  figure {element.Elements().First().Name.LocalName}: {element.Elements().Last().Value}"); break;
                case "table":
                    var header = element.Descendants().Where(e => e.Name.LocalName == "th").Select(e => e.Value);
                    lines.Add($"  table {element.Elements().First(e => e.Name.LocalName == "caption").Value}: {string.Join(" | ", header)}");
                    break;
            }
        }
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>
    /// What in the page would reach outside it: elements that load resources (link, script, img, iframe, object), href or
    /// src attributes not pointing into the page, and any http(s) address but the XML namespace names.
    /// </summary>
    public static IReadOnlyList<string> ExternalReferences(string html)
    {
        var elements = Parse(html).Descendants().ToList();
        var loaders = elements.Where(e => e.Name.LocalName is "link" or "script" or "img" or "iframe" or "object").Select(e => $"<{e.Name.LocalName}>");
        var links = elements.SelectMany(e => e.Attributes()).Where(a => a.Name.LocalName is "href" or "src" && !a.Value.StartsWith('#')).Select(a => $"{a.Name.LocalName}={a.Value}");
        string text = html.Replace("http://www.w3.org/", "");
        var addresses = new[] { "http://", "https://" }.Where(text.Contains);
        return [.. loaders, .. links, .. addresses];
    }
}
