import Stripe from "stripe";
import express from "express";

const stripe = new Stripe("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", { apiVersion: "2024-06-20" });

export const payments = express.Router();

payments.post("/subscribe", async (req, res) => {
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    line_items: [{ price: req.body.priceId, quantity: 1 }],
    success_url: "https://app.korvex.io/billing/success",
    cancel_url: "https://app.korvex.io/billing",
  });
  res.json({ url: session.url });
});
