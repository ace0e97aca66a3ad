using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ScalePlanner.Reports.Html;

/// <summary>
/// An SVG file made fit to sit inline in a page with others: its ids (clip paths, gradients) get a per-figure prefix, so two
/// plots never resolve each other's <c>url(#…)</c> references, and it scales with the page through its viewBox.
/// </summary>
public static partial class SvgEmbedding
{
    public static XElement Inline(string svgText, string prefix, string file)
    {
        XElement svg;
        try
        {
            svg = XDocument.Parse(svgText).Root ?? throw new Simulator.Specs.SpecException(file, "is empty");
        }
        catch (System.Xml.XmlException ex)
        {
            throw new Simulator.Specs.SpecException(file, $"is not well-formed SVG: {ex.Message}");
        }
        foreach (var element in svg.DescendantsAndSelf())
        {
            foreach (var attribute in element.Attributes().Where(a => !a.IsNamespaceDeclaration))
            {
                if (attribute.Name.LocalName == "id") attribute.Value = prefix + attribute.Value;
                else if (attribute.Name.LocalName == "href" && attribute.Value.StartsWith('#')) attribute.Value = "#" + prefix + attribute.Value[1..];
                else attribute.Value = UrlReference().Replace(attribute.Value, m => $"url(#{prefix}{m.Groups[1].Value})");
            }
        }
        if (svg.Attribute("width") is { } width && svg.Attribute("height") is { } height)
        {
            if (svg.Attribute("viewBox") is null) svg.SetAttributeValue("viewBox", $"0 0 {width.Value} {height.Value}");
            svg.SetAttributeValue("style", $"max-width: {width.Value}px"); // shrinks with the page, never grows past its drawn size
        }
        svg.SetAttributeValue("class", "plot");
        return svg;
    }

    [GeneratedRegex(@"url\(#([^)]+)\)")]
    private static partial Regex UrlReference();
}
