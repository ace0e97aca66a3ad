using System.Globalization;
using Microsoft.Extensions.Configuration;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Scenarios;

/// <summary>
/// Typed reads of one scenario section; every failure names the field (section.key) and what is allowed. Every read checks
/// the shape too: an object or a list where a value belongs, or a value where an object belongs, is an error, never "not
/// given" (<see cref="JsonStructure"/> has already refused nulls, empty lists and repeated keys).
/// </summary>
public sealed class ConfigReader(IConfiguration section, string path)
{
    public string Path { get; } = path;

    public bool Has(string key) => Present(key);

    public ConfigReader Section(string key) => new(section.GetSection(key), Field(key));

    /// <summary>The elements of this section, which must be a list.</summary>
    public IEnumerable<ConfigReader> Items()
    {
        var children = section.GetChildren().ToList();
        if (section is IConfigurationSection { Value: { } value }) throw new SpecException(Path, $"must be a list, got '{value}'");
        if (!IsList(children)) throw new SpecException(Path, "must be a list [ … ], got an object");
        return children.Select(c => new ConfigReader(c, $"{Path}[{c.Key}]"));
    }

    /// <summary>Rejects keys this section does not know, so a typo is not silently ignored; the section itself must be an object.</summary>
    public ConfigReader OnlyKeys(params string[] allowed)
    {
        var children = section.GetChildren().ToList();
        if (section is IConfigurationSection { Value: { } value } || (children.Count > 0 && IsList(children)))
            throw new SpecException(Path, $"must be an object with keys {string.Join(' ', allowed)}, got {(section is IConfigurationSection { Value: { } v } ? $"'{v}'" : "a list")}");
        foreach (var child in children)
        {
            if (!allowed.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                throw new SpecException(Field(child.Key), $"unknown key; allowed: {string.Join(' ', allowed)}");
        }
        return this;
    }

    public string? String(string key) => Scalar(key, "a string");

    public string RequiredString(string key) => String(key) ?? throw Missing(key, "a string");

    public int? Int(string key) => Int(key, null);

    /// <summary>A whole number within <paramref name="range"/> (null: any int); null when absent.</summary>
    public int? Int(string key, IntRange? range)
    {
        string what = range?.Describe() ?? "an integer";
        string? text = Scalar(key, what);
        if (text is null) return null;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            throw new SpecException(Field(key), $"must be {what}, got '{text}'");
        return range is null
            ? value is >= int.MinValue and <= int.MaxValue ? (int)value : throw new SpecException(Field(key), $"must be {what}, got '{text}'")
            : range.Check(Field(key), value);
    }

    public int RequiredInt(string key, IntRange? range = null) => Int(key, range) ?? throw Missing(key, range?.Describe() ?? "an integer");

    public double? Double(string key) => Double(key, null);

    /// <summary>A finite number within <paramref name="range"/> (null: any finite number); null when absent.</summary>
    public double? Double(string key, NumberRange? range)
    {
        string what = range?.Describe() ?? "a number";
        string? text = Scalar(key, what);
        if (text is null) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw new SpecException(Field(key), $"must be {what}, got '{text}'");
        return range is null ? value : range.Check(Field(key), value);
    }

    public double RequiredDouble(string key, NumberRange? range = null) => Double(key, range) ?? throw Missing(key, range?.Describe() ?? "a number");

    /// <summary>A list of integers within <paramref name="range"/>, or one integer read as a list of one; null when absent.</summary>
    public int[]? IntList(string key, IntRange? range = null)
    {
        if (section.GetSection(key).Value is not null) return [Int(key, range)!.Value];
        var list = Section(key);
        return Elements(key, "integers") is { } items ? [.. items.Select(i => list.Int(i, range)!.Value)] : null;
    }

    /// <summary>A list of strings, or one string read as a list of one; null when absent.</summary>
    public string[]? StringList(string key)
    {
        if (section.GetSection(key).Value is { } single) return [single];
        var list = Section(key);
        return Elements(key, "values") is { } items ? [.. items.Select(i => list.Scalar(i, "one value (a number or a word)")!)] : null;
    }

    public bool? Bool(string key)
    {
        string? text = Scalar(key, "true or false");
        if (text is null) return null;
        return bool.TryParse(text, out bool value) ? value : throw new SpecException(Field(key), $"must be true or false, got '{text}'");
    }

    public T? Choice<T>(string key, IReadOnlyDictionary<string, T> options) where T : struct
    {
        string? text = Scalar(key, $"one of {string.Join(' ', options.Keys)}");
        if (text is null) return null;
        return options.TryGetValue(text.ToLowerInvariant(), out var value)
            ? value
            : throw new SpecException(Field(key), $"unknown value '{text}'; allowed: {string.Join(' ', options.Keys)}");
    }

    private string Field(string key) => Path.Length == 0 ? key : key.All(char.IsAsciiDigit) && IsList(section.GetChildren()) ? $"{Path}[{key}]" : $"{Path}.{key}";

    private bool Present(string key) => section.GetChildren().Any(c => string.Equals(c.Key, key, StringComparison.OrdinalIgnoreCase));

    /// <summary>The text of a value; null when the key is absent; an error naming <paramref name="what"/> is allowed when it is an object or a list.</summary>
    private string? Scalar(string key, string what)
    {
        var child = section.GetSection(key);
        if (child.Value is { } text) return text;
        if (!Present(key)) return null;
        var children = child.GetChildren().ToList();
        string got = children.Count == 0 ? "an empty object" : IsList(children) ? "a list" : "an object";
        throw new SpecException(Field(key), $"must be {what}, got {got}");
    }

    /// <summary>The keys of a list's elements (0, 1, …); null when absent; an error when the key holds an object.</summary>
    private IReadOnlyList<string>? Elements(string key, string what)
    {
        if (!Present(key)) return null;
        var children = section.GetSection(key).GetChildren().ToList();
        if (!IsList(children)) throw new SpecException(Field(key), $"must be a list of {what}, got {(children.Count == 0 ? "an empty object" : "an object")}");
        return [.. children.Select(c => c.Key)];
    }

    /// <summary>Configuration keys of a JSON list's elements are 0, 1, 2, …</summary>
    private static bool IsList(IEnumerable<IConfigurationSection> children)
    {
        int i = 0;
        foreach (var child in children.OrderBy(c => c.Key.Length).ThenBy(c => c.Key, StringComparer.Ordinal))
        {
            if (child.Key != (i++).ToString(CultureInfo.InvariantCulture)) return false;
        }
        return i > 0;
    }

    private SpecException Missing(string key, string what) => new(Field(key), $"is required ({what})");
}
