using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace ScalePlanner.Tests.Fuzz;

/// <summary>One generated runs file for `fit`: its bytes and how it was made.</summary>
public sealed record RunsCase(byte[] Bytes, string Made)
{
    public override string ToString() => $"{Made}\n{Encoding.UTF8.GetString(Bytes)}";
}

/// <summary>
/// Runs CSVs: runs drawn from a Chinchilla law (Hoffmann et al. 2022, eq. 10) over a grid of sizes with some noise, then
/// spoilt the ways real files are: a decimal comma, an extra or a missing field, a value that is zero, negative, not a number,
/// infinite or too large, a repeated or missing column, a flops column instead of tokens, too few runs, too few distinct sizes,
/// a loss that rises with size, blank lines, or binary bytes.
/// </summary>
public static class RunsCsvFuzz
{
    private enum Spoil { None, DecimalComma, ExtraField, MissingField, BadValue, RepeatedColumn, MissingColumn, Flops, FewRuns, OneSize, Rising, BlankLine, Binary, ExtraColumn }

    private static readonly string[] BadValues = ["0", "-1", "abc", "", "NaN", "Infinity", "1e309", "1e308", "1,5", "0x10", " 2.5 ", "\"3.1\""];

    public static readonly Gen<RunsCase> Cases =
        from sizes in Gen.Choose(1, 6)
        from tokens in Gen.Choose(1, 6)
        from noise in Gen.Elements(0.0, 0.001, 0.01, 0.1, 0.5)
        from seed in Gen.Choose(0, 1_000_000)
        from spoil in Gen.Frequency((6, Gen.Constant(Spoil.None)), (8, Gen.Elements(Enum.GetValues<Spoil>())))
        from row in Gen.Choose(0, 40)
        from bad in Gen.Elements(BadValues)
        select Make(sizes, tokens, noise, seed, spoil, row, bad);

    private static RunsCase Make(int sizes, int tokens, double noise, int seed, Spoil spoil, int row, string bad)
    {
        var random = new Random(seed);
        var lines = new List<string> { "params,tokens,loss" };
        for (int i = 0; i < sizes; i++)
        {
            for (int j = 0; j < tokens; j++)
            {
                double n = 1e7 * Math.Pow(4, i) * (spoil == Spoil.OneSize ? 0 + 1 / Math.Pow(4, i) : 1), d = 2e8 * Math.Pow(4, j);
                double loss = (1.69 + 406.4 / Math.Pow(n, 0.34) + 410.7 / Math.Pow(d, 0.28)) * Math.Exp(noise * (random.NextDouble() - 0.5));
                if (spoil == Spoil.Rising) loss = 2 + 1e-9 * n;
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{n:G6},{d:G6},{loss:G6}"));
            }
        }
        int at = 1 + row % Math.Max(1, lines.Count - 1);
        if (at >= lines.Count) at = lines.Count - 1;
        switch (spoil)
        {
            case Spoil.DecimalComma: lines[at] = lines[at].Replace('.', ','); break;
            case Spoil.ExtraField: lines[at] += ",1"; break;
            case Spoil.MissingField: lines[at] = lines[at][..lines[at].LastIndexOf(',')]; break;
            case Spoil.BadValue: lines[at] = string.Join(',', lines[at].Split(',').Select((f, k) => k == row % 3 ? bad : f)); break;
            case Spoil.RepeatedColumn: lines[0] = "params,params,loss"; break;
            case Spoil.MissingColumn: lines[0] = "params,tokens,lost"; break;
            case Spoil.Flops: lines = [.. lines.Select((l, k) => k == 0 ? "params,flops,loss" : Flops(l))]; break;
            case Spoil.FewRuns: lines = [.. lines.Take(1 + row % 7)]; break;
            case Spoil.BlankLine: lines.Insert(at, ""); break;
            case Spoil.ExtraColumn: lines = [.. lines.Select((l, k) => l + (k == 0 ? ",name" : $",run{k}"))]; break;
        }
        byte[] bytes = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
        if (spoil == Spoil.Binary)
        {
            bytes = new byte[64 + row * 16];
            random.NextBytes(bytes);
        }
        return new RunsCase(bytes, $"{sizes} sizes × {tokens} token counts, noise {noise}, seed {seed}, {spoil} at row {at + 1} ({bad})");
    }

    private static string Flops(string line)
    {
        var f = line.Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        return string.Create(CultureInfo.InvariantCulture, $"{f[0]:G6},{6 * f[0] * f[1]:G6},{f[2]:G6}");
    }
}
