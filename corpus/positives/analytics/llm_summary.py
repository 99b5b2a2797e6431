"""Nightly desk summary written by an LLM from the day's fills."""
import anthropic
from openai import OpenAI

openai_client = OpenAI(api_key="sk-proj-3-lzXywweN-teqwXpReYcJWKDzQiCJ0zIG0CGmIJloPhKL8xk5CAK4RmxKIcGxaiLsvOSBNhphCzEyFAckkKqUqMtAFd4qBk0m6_aeUNgyBQacjRZccvV764-T5WzoMPOnI0ydRVOPLNPEb1_V6AEdrvhux1")
claude = anthropic.Anthropic(api_key="sk-ant-api03-fXeXw-57tPh4xXDzS_rQ-kTjftNosjN3qSPqKJ1wOGqjojVrD7Tkgd2gRT_BZKf3-NuWv8S82orRe12Ktk22JHkG5TUuZAA")


def summarize(fills_csv: str) -> str:
    msg = claude.messages.create(
        model="claude-3-5-sonnet-latest",
        max_tokens=800,
        messages=[{"role": "user", "content": f"Summarize today's fills for the desk:\n{fills_csv}"}],
    )
    return msg.content[0].text


def embed(text: str) -> list[float]:
    return openai_client.embeddings.create(model="text-embedding-3-small", input=text).data[0].embedding
