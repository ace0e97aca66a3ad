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
}
