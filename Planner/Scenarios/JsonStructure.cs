using System.Text.Json;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Scenarios;

/// <summary>
/// What the configuration reader cannot say itself, checked on the scenario's JSON before it sees it: the syntax (with the
/// position), an object at the top, no key twice in an object (keys are case-insensitive, as the reader treats them), no
/// null and no empty list (both would read as "not given" and let the default through). Fields are named by their path,
/// e.g. <c>clusters[1].nodes</c>.
/// </summary>
public static class JsonStructure
{
    public static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 64 };

    public static void Check(string path, string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, Options);
        }
        catch (JsonException ex)
        {
            throw new SpecException("scenario", $"'{path}' is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new SpecException("scenario", $"'{path}' holds {Describe(document.RootElement)}; a scenario is a JSON object {{ \"model\": …, \"cluster\": …, \"training\": … }}");
            Visit(document.RootElement, "");
        }
    }

    /// <summary>What a JSON value is, in words for an error message: "an object", "a list", "the number 42", "the text 'x'".</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => $"the text '{value.GetString()}'",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the value {value.GetRawText()}",
        _ => "null",
    };

    private static void Visit(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var property in element.EnumerateObject())
                {
                    string field = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    if (seen.TryGetValue(property.Name, out string? first))
                    {
                        throw new SpecException(field, first == property.Name
                            ? "is given twice; give each key once"
                            : $"is given twice ('{first}' and '{property.Name}'; keys are case-insensitive); give each key once");
                    }
                    seen[property.Name] = property.Name;
                    Visit(property.Value, field);
                }
                break;
            case JsonValueKind.Array:
                if (element.GetArrayLength() == 0) throw new SpecException(path, "is an empty list; list at least one value, or leave the key out for the default");
                int i = 0;
                foreach (var item in element.EnumerateArray()) Visit(item, $"{path}[{i++}]");
                break;
            case JsonValueKind.Null:
                throw new SpecException(path, "is null; give a value, or leave the key out for the default");
        }
    }
}
