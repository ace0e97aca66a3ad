using CsvHelper;

namespace ScalePlanner.Reports.Html;

/// <summary>A CSV file as text cells: its header and its rows, read with CsvHelper (invariant, as every CSV here is written).</summary>
public sealed record CsvTable(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    /// <summary>The bytes a CsvHelper writer produces; the caller writes its records (at a call site that knows their type).</summary>
    public static byte[] Bytes(Action<CsvWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = CsvWriter.Create(stream, null, leaveOpen: true)) write(writer);
        return stream.ToArray();
    }

    public static CsvTable Read(byte[] bytes, string name)
    {
        using var reader = CsvReader.Create(bytes);
        var header = reader.Headers.ToList();
        var rows = new List<IReadOnlyList<string>>();
        while (reader.Read())
        {
            if (reader.FieldCount != header.Count)
                throw new Simulator.Specs.SpecException(name, $"row {rows.Count + 1} has {reader.FieldCount} fields; the header has {header.Count}");
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)]);
        }
        return new CsvTable(header, rows);
    }

    /// <summary>The columns named, in that order (all when none are named); a name the file lacks is an error naming the file.</summary>
    public CsvTable Select(IReadOnlyList<string> columns, string name)
    {
        if (columns.Count == 0) return this;
        var indices = columns.Select(c => Header.ToList().IndexOf(c) is var i and >= 0
            ? i : throw new Simulator.Specs.SpecException(name, $"has no column '{c}'; columns: {string.Join(", ", Header)}")).ToArray();
        return new CsvTable(columns, [.. Rows.Select(r => (IReadOnlyList<string>)[.. indices.Select(i => r[i])])]);
    }
}
