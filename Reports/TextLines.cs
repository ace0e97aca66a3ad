namespace ScalePlanner.Reports;

/// <summary>Plain text lines for the terminal, wrapped so that what a command prints under a table is no wider than it.</summary>
public static class TextLines
{
    /// <summary>A line broken at spaces into pieces of at most <paramref name="width"/>; continuations are indented four more than the line.</summary>
    public static IEnumerable<string> Wrap(string line, int width)
    {
        string indent = new(' ', line.Length - line.TrimStart().Length + 4);
        while (line.Length > width && line.LastIndexOf(' ', width) is var cut && cut > indent.Length)
        {
            yield return line[..cut];
            line = indent + line[(cut + 1)..];
        }
        yield return line;
    }
}
