using ScalePlanner.Simulator.Layouts;

namespace ScalePlanner.Reports;

/// <summary>Layout strings for people: without the keys the parser would fill in anyway, and wrapped at commas to fit a column.</summary>
public static class LayoutText
{
    /// <summary>
    /// The layout string without every key that parses back to the same value when left out (defaults, and the schedule that
    /// vp > 1 implies), so a table stays readable; the string still parses to this layout. CSV and JSON carry the full string.
    /// </summary>
    public static string Short(Layout layout)
    {
        var parts = layout.ToString().Split(',').ToList();
        for (int i = parts.Count - 1; i >= 1; i--)
        {
            var without = parts.Where((_, j) => j != i);
            if (Layout.Parse(string.Join(',', without)) == layout) parts.RemoveAt(i);
        }
        return string.Join(',', parts);
    }

    /// <summary>The text broken after commas into lines of at most <paramref name="width"/> characters (a longer key stays whole).</summary>
    public static string Wrap(string text, int width)
    {
        var lines = new List<string>();
        string line = "";
        foreach (var part in text.Split(','))
        {
            string next = line.Length == 0 ? part : $"{line},{part}";
            if (next.Length > width && line.Length > 0)
            {
                lines.Add(line + ",");
                line = part;
            }
            else line = next;
        }
        lines.Add(line);
        return string.Join('\n', lines);
    }
}
