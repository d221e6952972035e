package dev.baton.validation;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The recommender's answer: what the model is asked to return. */
record Recommendations(List<Title> movies, List<Title> tvshows) {
  record Title(String title, @JsonProperty("tmdb_id") long tmdbId, String explanation) {
  }
}
