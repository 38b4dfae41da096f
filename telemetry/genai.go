package telemetry

// ProviderName maps a configured provider (its name or type) to the well-known value of
// gen_ai.provider.name; unknown names (self-hosted upstreams) are returned as they are.
func ProviderName(name string) string {
	switch name {
	case "openai":
		return "openai"
	case "anthropic":
		return "anthropic"
	case "azure", "azure-openai", "azure_openai":
		return "azure.ai.openai"
	case "gemini", "google":
		return "gcp.gemini"
	case "vertex", "vertex_ai":
		return "gcp.vertex_ai"
	case "bedrock":
		return "aws.bedrock"
	case "groq":
		return "groq"
	case "mistral":
		return "mistral_ai"
	case "deepseek":
		return "deepseek"
	case "xai":
		return "x_ai"
	case "perplexity":
		return "perplexity"
	case "cohere":
		return "cohere"
	case "muninn":
		return "muninn"
	}
	return name
}

// OperationName maps a gateway endpoint to gen_ai.operation.name.
func OperationName(endpoint string) string {
	switch endpoint {
	case "chat", "anthropic.messages":
		return "chat"
	case "embeddings":
		return "embeddings"
	case "completions":
		return "text_completion"
	}
	return endpoint
}
